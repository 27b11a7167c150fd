package dev.ooda.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.control.AdminToken;
import dev.ooda.control.client.ControlClient;
import dev.ooda.deploy.Rollouts;
import dev.ooda.deploy.RouteWeights;
import dev.ooda.testing.Eventually;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import picocli.CommandLine;

/**
 * The console's pages for experiments, contracts and deployments in a real browser (Debian's
 * headless Chromium) against a real {@code ooda up}, in the style of {@link ConsoleBrowserTest}:
 * one platform and one browser for the class, a screenshot of each page under
 * {@code target/console-screenshots/}. The deployment runs the example catalog as real processes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleOpsBrowserTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final Duration DEPLOYING = Duration.ofSeconds(120);
  static final Path SHOTS = Path.of("target", "console-screenshots");

  Path work;
  Path dataDir;
  Process up;
  String control;
  String gateway;
  String readToken;
  ChromeDriver browser;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    work = Files.createTempDirectory("ooda-console-ops");
    dataDir = work.resolve("data");
    up = new ProcessBuilder(UpTest.command(dataDir)).redirectError(work.resolve("up.err").toFile()).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8));
    Map<String, String> urls = new HashMap<>();
    for (String line; (line = out.readLine()) != null && !line.contains("ready"); ) {
      Matcher m = Pattern.compile("^(control|gateway)\\s+(http://\\S+)").matcher(line);
      if (m.find()) urls.put(m.group(1), m.group(2));
    }
    control = urls.get("control");
    gateway = urls.get("gateway");
    assertThat(control).as("ooda up did not start: %s", Files.readString(work.resolve("up.err"))).isNotNull();
    UpTest.Result created = ooda(null, "tokens", "create", "viewer", "--scope", "read");
    assertThat(created.code()).as(created.err()).isZero();
    readToken = created.out().trim();

    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().implicitlyWait(Duration.ZERO);
    Files.createDirectories(SHOTS);
    signIn(AdminToken.read(dataDir));
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) browser.quit();
    if (up != null) {
      // ooda up stops the instances it deployed, with drain
      up.destroy();
      if (!up.waitFor(60, TimeUnit.SECONDS)) up.destroyForcibly();
    }
  }

  @Test
  @Order(1)
  void anExperimentsResultsShowIntervalsTheSampleRatioCheckAndTheSequentialView() throws Exception {
    String yaml = String.join("\n",
        "kind: Flag",
        "name: checkout-button",
        "spec: {owner: team-checkout, variants: {blue: \"#1f6feb\", green: \"#2da44e\"}, defaultVariant: blue}",
        "---",
        "kind: Experiment",
        "name: green-button",
        "spec:",
        "  owner: team-checkout",
        "  hypothesis: a green checkout button lifts conversion",
        "  flag: checkout-button",
        "  unit: userId",
        "  cells: [{name: control, variant: blue, weight: 50}, {name: green, variant: green, weight: 50}]",
        "  layer: {name: checkout, share: 100}",
        "  metrics: [conversion]",
        "---",
        "kind: Flag",
        "name: search-box",
        "spec: {owner: team-search, variants: {old: false, new: true}, defaultVariant: old}",
        "---",
        "kind: Experiment",
        "name: lopsided",
        "spec:",
        "  owner: team-search",
        "  flag: search-box",
        "  cells: [{name: control, variant: old, weight: 50}, {name: new, variant: new, weight: 50}]",
        "  metrics: [conversion]",
        "");
    UpTest.Result applied = ooda(yaml, "apply", "-f", "-");
    assertThat(applied.code()).as(applied.err()).isZero();
    // 200 units in each cell of green-button, 10% converting in control and 25% in green;
    // lopsided: 300 units in control and 100 in the other cell, against weights of 50/50
    StringBuilder exposures = new StringBuilder();
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      String cell = i % 2 == 0 ? "control" : "green";
      exposures.append(",{\"experiment\":\"green-button\",\"cell\":\"").append(cell).append("\",\"unit\":\"u").append(i).append("\"}");
      int k = i / 2;
      if (cell.equals("control") ? k % 10 == 0 : k % 4 == 0) events.append(",{\"unit\":\"u").append(i).append("\",\"name\":\"conversion\"}");
      exposures.append(",{\"experiment\":\"lopsided\",\"cell\":\"").append(i < 300 ? "control" : "new").append("\",\"unit\":\"s").append(i).append("\"}");
    }
    // What the kits of a service would add: requests served to each cell's units (mean 42 ms and 43 ms, sd 10 ms)
    String requests = "{\"experiment\":\"green-button\",\"cell\":\"control\",\"requests\":1000,\"errors\":5,\"latencyMsSum\":42000,\"latencyMsSumOfSquares\":1864000},"
        + "{\"experiment\":\"green-button\",\"cell\":\"green\",\"requests\":1000,\"errors\":6,\"latencyMsSum\":43000,\"latencyMsSumOfSquares\":1949000}";
    String batch = "{\"exposures\":[" + exposures.substring(1) + "],\"events\":[" + events.substring(1) + "],\"requests\":[" + requests + "]}";
    // The events endpoint knows an experiment once the change watch brought it; a refused batch stores nothing
    Eventually.within(WAIT, () -> {
      HttpResponse<String> sent = post(control + "/api/v1/experiments/events", batch);
      assertThat(sent.statusCode()).as("%.300s", sent.body()).isEqualTo(200);
    });

    browser.get(control + "/console/experiments");
    Eventually.within(WAIT, () -> assertThat(row("experiment", "green-button").getText())
        .contains("checkout-button").contains("running").contains("control=blue 50%").contains("checkout 100% @0"));
    screenshot("experiments");
    row("experiment", "green-button").findElement(By.tagName("a")).click();
    Eventually.within(WAIT, () -> assertThat(browser.getCurrentUrl()).endsWith("/console/experiments/green-button"));
    WebElement green = waitFor(By.cssSelector("section[data-metric='conversion'] tr[data-cell='green']"));
    assertThat(green.getText()).contains("200").contains("25.00%").contains("+15.00 pts").contains("*");
    assertThat(green.findElements(By.cssSelector("svg.interval.ok"))).as("a significant improvement drawn as its interval").hasSize(1);
    assertThat(text(By.cssSelector("section[data-metric='conversion'] tr[data-cell='control']"))).contains("10.00%");
    assertThat(text(By.id("health"))).isEqualTo("HEALTHY");
    assertThat(text(By.id("verdict"))).contains("green");
    assertThat(text(By.cssSelector("#requests tr[data-cell='green']"))).contains("1000").contains("0.6%").contains("43.0");
    String fixed = text(By.cssSelector("tr[data-cell='green'] .ci"));
    screenshot("experiment-results");

    // The always-valid view: a toggle, kept in the URL; its interval is wider
    browser.findElement(By.id("sequential")).click();
    Eventually.within(WAIT, () -> assertThat(text(By.id("experiment-status"))).contains("mixing sd"));
    assertThat(browser.getCurrentUrl()).endsWith("?sequential=true");
    assertThat(text(By.cssSelector("tr[data-cell='green'] .ci"))).isNotEqualTo(fixed);
    screenshot("experiment-results-sequential");

    // A sample-ratio mismatch is shown plainly, with no winner
    browser.get(control + "/console/experiments/lopsided");
    Eventually.within(WAIT, () -> assertThat(text(By.id("health"))).isEqualTo("UNHEALTHY"));
    assertThat(text(By.id("srm-alert"))).contains("Sample ratio mismatch").contains("no winner");
    assertThat(browser.findElements(By.cssSelector(".pill.UP"))).extracting(WebElement::getText).doesNotContain("winner");
    screenshot("experiment-unhealthy");
  }

  @Test
  @Order(2)
  void aBreakingContractUnderWarnIsFlaggedWithItsChange() throws Exception {
    UpTest.Result applied = ooda("kind: Service\nname: catalog\nspec:\n  contract: {mode: warn}\n", "apply", "-f", "-");
    assertThat(applied.code()).as(applied.err()).isZero();
    Path v1 = work.resolve("catalog-v1.yaml");
    Path v2 = work.resolve("catalog-v1.1.yaml");
    Files.writeString(v1, contract(true, false));
    Files.writeString(v2, contract(false, true));
    UpTest.Result first = ooda(null, "contract", "push", "catalog", "--version", "v1.0.0", v1.toString());
    assertThat(first.code()).as(first.err()).isZero();
    UpTest.Result breaking = ooda(null, "contract", "push", "catalog", "--version", "v1.1.0", v2.toString());
    assertThat(breaking.code()).as(breaking.out() + breaking.err()).isZero();

    browser.get(control + "/console/contracts");
    Eventually.within(WAIT, () -> assertThat(row("service", "catalog").getText()).contains("v1").contains("v1.1.0").contains("breaking"));
    screenshot("contracts");
    row("service", "catalog").findElement(By.tagName("a")).click();
    Eventually.within(WAIT, () -> assertThat(text(By.cssSelector("section[data-major='v1'] .flagged")))
        .contains("v1.1.0").contains("GET /items/{id}").contains("price"));
    assertThat(text(By.cssSelector("tr[data-operation='GET /items/{id}'] .deprecated"))).contains("sunset 2027-06-30");
    // The change between the two versions, as a deep link
    setValue(browser.findElement(By.id("from")), "v1.0.0");
    setValue(browser.findElement(By.id("to")), "v1.1.0");
    browser.findElement(By.id("diff")).click();
    Eventually.within(WAIT, () -> assertThat(text(By.id("diff-summary"))).contains("v1.0.0 → v1.1.0").contains("1 breaking"));
    assertThat(text(By.cssSelector("#changes .breaking"))).contains("GET /items/{id}").contains("price");
    assertThat(browser.getCurrentUrl()).endsWith("/console/contracts/catalog?from=v1.0.0&to=v1.1.0");
    screenshot("contract");

    // Linked from the service's page
    browser.get(control + "/console/services/catalog");
    waitFor(By.cssSelector("#service-contract a[href='/console/contracts/catalog']")).click();
    Eventually.within(WAIT, () -> assertThat(browser.getCurrentUrl()).endsWith("/console/contracts/catalog"));
  }

  /** A catalog API: an item with or without its price; getItem deprecated with a sunset, or not. */
  static String contract(boolean price, boolean deprecated) {
    return String.join("\n",
        "openapi: 3.0.3",
        "info: {title: catalog, version: \"1\"}",
        "paths:",
        "  /items/{id}:",
        "    get:",
        "      operationId: getItem",
        deprecated ? "      deprecated: true\n      x-sunset: \"2027-06-30\"" : "      summary: one item",
        "      parameters: [{name: id, in: path, required: true, schema: {type: string}}]",
        "      responses:",
        "        \"200\":",
        "          description: the item",
        "          content:",
        "            application/json:",
        "              schema:",
        "                type: object",
        "                required: [id]",
        "                properties:",
        "                  id: {type: string}",
        price ? "                  price: {type: number}" : "                  name: {type: string}",
        "");
  }

  @Test
  @Order(3)
  void aDeploymentsPageShowsItsVersionsAndItsRollbackButtonMovesTheTrafficBack() throws Exception {
    // Every request traced, so that a canary's analysis has its samples quickly
    UpTest.Result route = ooda("kind: Route\nname: catalog\nspec: {match: {pathPrefix: /items}, to: [{service: catalog}], sampleRate: 1.0}\n",
        "apply", "-f", "-");
    assertThat(route.code()).as(route.err()).isZero();
    UpTest.Result v1 = ooda(null, deploy("v1"));
    assertThat(v1.code()).as(v1.out() + v1.err()).isZero();
    UpTest.Result v2 = ooda(null, deploy("v2"));
    assertThat(v2.code()).as(v2.out() + v2.err()).isZero();
    UpTest.Result promoted = ooda(null, "deployments", "promote", "catalog");
    assertThat(promoted.code()).as(promoted.out() + promoted.err()).isZero();
    Eventually.within(DEPLOYING, () -> assertThat(get(control + "/api/v1/deployments/catalog")).contains("\"phase\":\"promoted\""));

    // Read-only: the page, no button; and the endpoint refuses the token
    signOut();
    signIn(readToken);
    browser.get(control + "/console/deployments/catalog");
    Eventually.within(WAIT, () -> assertThat(text(By.cssSelector("#version-table tr[data-version='v2'] .traffic"))).isEqualTo("100.0%"));
    assertThat(browser.findElements(By.id("rollback"))).as("no rollback for scope read").isEmpty();
    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(control + "/console/api/deployments/catalog/rollback"))
        .header("Authorization", "Bearer " + readToken).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(get(control + "/api/v1/deployments/catalog")).contains("\"phase\":\"promoted\"");
    signOut();
    signIn(AdminToken.read(dataDir));

    // The list, linked from the service's page
    browser.get(control + "/console/services/catalog");
    waitFor(By.cssSelector("#service-deployments a[href='/console/deployments/catalog']")).click();
    Eventually.within(WAIT, () -> assertThat(browser.getCurrentUrl()).endsWith("/console/deployments/catalog"));
    Eventually.within(WAIT, () -> {
      assertThat(text(By.cssSelector("#version-table tr[data-version='v2']"))).contains("stable").contains("UP").contains("100.0%");
      assertThat(text(By.cssSelector("#version-table tr[data-version='v1']"))).contains("previous").contains("0.0%");
    });
    assertThat(text(By.id("phase"))).contains("promoted");
    screenshot("deployment");

    waitFor(By.id("rollback")).click();
    Eventually.within(WAIT, () -> browser.switchTo().alert().accept());
    Eventually.within(WAIT, () -> assertThat(text(By.id("rolled-back"))).contains("all traffic on v1"));
    Eventually.within(WAIT, () -> {
      assertThat(text(By.id("phase"))).contains("rolledBack").contains("manual rollback (console)");
      assertThat(text(By.cssSelector("#version-table tr[data-version='v1'] .traffic"))).isEqualTo("100.0%");
      assertThat(browser.findElements(By.cssSelector("#version-table tr[data-version='v2']"))).isEmpty();
    });
    // The route moved back: v1 takes all of the catalog's traffic
    assertThat(RouteWeights.percents(Rollouts.readRoute(new ControlClient(URI.create(control), AdminToken.read(dataDir)), "catalog"), "catalog"))
        .containsEntry("v1", 100.0);
    screenshot("deployment-rolled-back");

    browser.get(control + "/console/deployments");
    Eventually.within(WAIT, () -> assertThat(row("deployment", "catalog").getText()).contains("v1").contains("rolledBack"));
    screenshot("deployments");
  }

  @Test
  @Order(4)
  void aCanaryShowsItsStepAndAnalysisAndRollsBack() throws Exception {
    // Steady requests through the gateway, so that the first step is judged on real spans
    AtomicBoolean loading = new AtomicBoolean(true);
    Thread load = new Thread(() -> {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      while (loading.get()) {
        try {
          client.send(HttpRequest.newBuilder(URI.create(gateway + "/items")).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.discarding());
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          // counted by the analysis, not here
        }
      }
    });
    load.start();
    try {
      UpTest.Result v3 = ooda(null, deploy("v3", "--strategy", "canary", "--steps", "50:6s,100:10m",
          "--analysis", "maxLatencyIncrease=20", "--analysis", "warmup=0s", "--analysis", "onFailure=pause"));
      assertThat(v3.code()).as(v3.out() + v3.err()).isZero();
      // The first step judged on the requests: passed (the second step holds) or failed (the canary paused)
      Eventually.within(DEPLOYING, () -> assertThat(get(control + "/api/v1/deployments/catalog"))
          .containsAnyOf("\"verdict\":\"pass\"", "\"verdict\":\"fail\"")
          .containsAnyOf("\"phase\":\"progressing\"", "\"phase\":\"paused\""));
    } finally {
      loading.set(false);
      load.join();
    }
    browser.get(control + "/console/deployments/catalog");
    Eventually.within(WAIT, () -> {
      assertThat(text(By.cssSelector("#version-table tr[data-version='v3'] .role"))).isEqualTo("candidate");
      assertThat(text(By.id("steps"))).contains("50% · 6s").contains("100% · 10m");
      assertThat(text(By.id("analysis-verdict"))).contains("step 1 at 50%").containsAnyOf("pass", "fail");
      assertThat(text(By.id("analysis-table"))).contains("errorRate").contains("latency").contains("requestRate");
      assertThat(text(By.cssSelector("#analysis-table tr[data-metric='errorRate']"))).contains("canary errors");
    });
    screenshot("deployment-canary");
    waitFor(By.id("rollback")).click();
    Eventually.within(WAIT, () -> browser.switchTo().alert().accept());
    Eventually.within(WAIT, () -> assertThat(text(By.cssSelector("#version-table tr[data-version='v1'] .traffic"))).isEqualTo("100.0%"));
    assertThat(RouteWeights.percents(Rollouts.readRoute(new ControlClient(URI.create(control), AdminToken.read(dataDir)), "catalog"), "catalog"))
        .containsEntry("v1", 100.0);
  }

  /** {@code ooda deploy catalog --version V --wait} of the example catalog on this classpath. */
  String[] deploy(String version, String... extra) {
    List<String> a = new ArrayList<>(List.of("deploy", "catalog", "--version", version, "--heap-mb", "96"));
    a.addAll(List.of(extra.length == 0 ? new String[] {"--wait", "--timeout", "2m"} : extra));
    a.addAll(List.of(
        "--command", Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        "dev.ooda.examples.catalog.CatalogServer"));
    return a.toArray(String[]::new);
  }

  // ---- helpers

  /** Runs an ooda command against this platform, with its admin token (options before a {@code --}). */
  UpTest.Result ooda(String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    int dashes = all.indexOf("--");
    all.addAll(dashes < 0 ? all.size() : dashes, List.of("--server", control, "--data-dir", dataDir.toString()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    java.io.InputStream before = System.in;
    try {
      if (stdin != null) System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      // The command alone, as bin/ooda builds it (ooda deploy's --version names the deployed version)
      CommandLine cl = Main.commandLine(args[0]);
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      return new UpTest.Result(Main.run(cl, all.toArray(String[]::new)), out.toString(), err.toString());
    } finally {
      System.setIn(before);
    }
  }

  void signIn(String token) throws Exception {
    browser.get(control + "/console/signin");
    waitFor(By.id("token")).sendKeys(token, Keys.ENTER);
    Eventually.within(WAIT, () -> assertThat(browser.getCurrentUrl()).endsWith("/console/services"));
  }

  void signOut() throws Exception {
    waitFor(By.id("signout")).click();
    Eventually.within(WAIT, () -> assertThat(browser.getCurrentUrl()).contains("/console/signin"));
  }

  WebElement waitFor(By by) throws Exception {
    WebElement[] found = new WebElement[1];
    Eventually.within(WAIT, () -> {
      List<WebElement> all = browser.findElements(by);
      assertThat(all).as("%s on %s", by, browser.getCurrentUrl()).isNotEmpty();
      found[0] = all.get(0);
    });
    return found[0];
  }

  String text(By by) throws Exception {
    return waitFor(by).getText();
  }

  WebElement row(String what, String name) throws Exception {
    return waitFor(By.cssSelector("tr[data-" + what + "='" + name + "']"));
  }

  static void setValue(WebElement field, String value) {
    field.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    field.sendKeys(value);
  }

  String get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  HttpResponse<String> post(String url, String json) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }

  void screenshot(String page) throws Exception {
    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SHOTS.resolve(page + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
