package dev.ooda.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.ooda.control.AdminToken;
import dev.ooda.control.client.InstanceLease;
import dev.ooda.control.client.InstanceRegistration;
import dev.ooda.control.client.RegistryClient;
import dev.ooda.model.Instance;
import dev.ooda.testing.Eventually;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
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
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web console in a real browser (Debian's headless Chromium) against a real {@code ooda up}:
 * one platform and one browser for the class, each test one page's main action, a screenshot of
 * each page under {@code target/console-screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final Path SHOTS = Path.of("target", "console-screenshots");

  Path work;
  Process up;
  String control;
  String gateway;
  HttpServer v1;
  HttpServer v2;
  InstanceLease catalog;
  ChromeDriver browser;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    work = Files.createTempDirectory("ooda-console");
    Path dataDir = work.resolve("data");
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
    v1 = origin("v1");
    v2 = origin("v2");
    catalog = new RegistryClient(URI.create(control)).register("catalog", new InstanceRegistration("v3", "127.0.0.1",
        v1.getAddress().getPort(), "zone-b", Map.of(), "/", Instance.Status.UP));

    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().implicitlyWait(Duration.ZERO);
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) browser.quit();
    if (catalog != null) catalog.close();
    if (v1 != null) v1.stop(0);
    if (v2 != null) v2.stop(0);
    if (up != null) {
      up.destroy();
      if (!up.waitFor(30, TimeUnit.SECONDS)) up.destroyForcibly();
    }
  }

  /** An origin that answers its name. */
  static HttpServer origin(String answer) throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext("/", x -> {
      byte[] body = answer.getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(200, body.length);
      x.getResponseBody().write(body);
      x.close();
    });
    s.start();
    return s;
  }

  @Test
  @Order(1)
  void aReadOnlyTokenSeesEverythingAndChangesNothing() throws Exception {
    UpTest.Result created = UpTest.ooda(null, "tokens", "create", "viewer", "--scope", "read", "--server", control,
        "--data-dir", work.resolve("data").toString());
    assertThat(created.code()).as(created.err()).isZero();
    String readToken = created.out().trim();

    browser.get(control + "/console/routes");
    // Not signed in: the sign-in page, which returns to the page asked for
    waitFor(By.id("token")).sendKeys("ooda_not-a-token", Keys.ENTER);
    Eventually.within(WAIT, () -> assertThat(text(By.id("signin-result"))).contains("not valid"));
    screenshot("signin-refused");
    WebElement token = browser.findElement(By.id("token"));
    token.clear();
    token.sendKeys(readToken, Keys.ENTER);
    Eventually.within(WAIT, () -> assertThat(browser.getCurrentUrl()).endsWith("/console/routes"));
    Eventually.within(WAIT, () -> assertThat(text(By.id("who"))).contains("viewer").contains("read"));
    assertThat(browser.findElements(By.id("apply-yaml"))).as("no apply form for scope read").isEmpty();
    assertThat(text(By.tagName("main"))).contains("scope read");
    screenshot("routes-read-only");

    // The admin token of the local platform, offered by `ooda console --data-dir`
    browser.findElement(By.id("signout")).click();
    UpTest.Result console = UpTest.ooda(null, "console", "--server", control, "--data-dir", work.resolve("data").toString());
    assertThat(console.code()).as(console.err()).isZero();
    String url = console.out().trim();
    assertThat(url).startsWith(control + "/console/signin#token=");
    browser.get(url);
    assertThat(waitFor(By.id("token")).getAttribute("value")).isEqualTo(AdminToken.read(work.resolve("data")));
    assertThat(browser.getCurrentUrl()).as("the token leaves the address bar").doesNotContain("token=");
    browser.findElement(By.id("signin")).click();
    Eventually.within(WAIT, () -> assertThat(text(By.id("who"))).contains("bootstrap").contains("admin"));
  }

  @Test
  @Order(2)
  void applyARouteAndSeeIt() throws Exception {
    browser.get(control + "/console/routes");
    String yaml = String.join("\n",
        "kind: Route",
        "name: split",
        "spec:",
        "  match: {pathPrefix: /split}",
        "  to:",
        "    - {url: \"http://127.0.0.1:" + v1.getAddress().getPort() + "\", weight: 50}",
        "    - {url: \"http://127.0.0.1:" + v2.getAddress().getPort() + "\", weight: 50}",
        "---",
        "kind: Service",
        "name: shop",
        "spec:",
        "  endpoints: [{url: \"http://127.0.0.1:" + v1.getAddress().getPort() + "\"}]",
        "  access: {mode: enforce, callers: [{service: orders}]}",
        "---",
        "kind: Route",
        "name: shop",
        "spec: {match: {pathPrefix: /shop}, to: [{service: shop}]}");
    setValue(waitFor(By.id("apply-yaml")), yaml);
    browser.findElement(By.id("apply")).click();
    Eventually.within(WAIT, () -> assertThat(text(By.id("applied"))).contains("Route/split created"));
    Eventually.within(WAIT, () -> assertThat(routeRow("split").getText()).contains("prefix /split").contains("50"));
    screenshot("routes");

    // A bad document is refused whole, naming the field
    setValue(browser.findElement(By.id("apply-yaml")), "kind: Route\nname: broken\nspec: {match: {pathPrefix: /b}, to: [{url: \"http://x\", weight: -1}]}");
    browser.findElement(By.id("apply")).click();
    Eventually.within(WAIT, () -> assertThat(text(By.id("apply-result"))).contains("weight"));
    assertThat(browser.findElements(By.cssSelector("#routes tr[data-route='broken']"))).isEmpty();
  }

  @Test
  @Order(3)
  void changeAWeightAndTheGatewayFollows() throws Exception {
    browser.get(control + "/console/routes");
    routeRow("split").findElement(By.cssSelector("button[data-edit]")).click();
    List<WebElement> weights = routeRow("split").findElements(By.cssSelector("input.weight"));
    setValue(weights.get(0), "0");
    setValue(weights.get(1), "100");
    screenshot("routes-editing");
    routeRow("split").findElement(By.cssSelector("button[data-save]")).click();
    // The row is drawn again on each change the watch brings: read it whole, until it shows the saved route
    Eventually.within(WAIT, () -> {
      WebElement row = routeRow("split");
      assertThat(row.findElement(By.cssSelector(".version")).getText()).isEqualTo("2");
      assertThat(row.findElements(By.cssSelector(".weight-shown")).stream().map(WebElement::getText)).containsExactly("0", "100");
    });
    // Every request now goes to v2
    Eventually.within(WAIT, () -> {
      for (int i = 0; i < 10; i++) assertThat(get(gateway + "/split/").body()).isEqualTo("v2");
    });
  }

  @Test
  @Order(4)
  void aStaleEditIsRefusedShownAndKept() throws Exception {
    browser.get(control + "/console/routes");
    routeRow("split").findElement(By.cssSelector("button[data-edit]")).click();
    List<WebElement> weights = routeRow("split").findElements(By.cssSelector("input.weight"));
    setValue(weights.get(0), "30");
    setValue(weights.get(1), "70");
    // Someone else changes the route meanwhile
    UpTest.Result other = UpTest.ooda(yamlOnStdin(), "apply", "-f", "-", "--server", control, "--data-dir", work.resolve("data").toString());
    assertThat(other.code()).as(other.err()).isZero();
    Eventually.within(WAIT, () -> assertThat(routeRow("split").getText()).contains("Changed since you began"));
    routeRow("split").findElement(By.cssSelector("button[data-save]")).click();
    Eventually.within(WAIT, () -> assertThat(routeRow("split").findElement(By.cssSelector(".problem")).getText())
        .contains("Conflict").contains("version 2"));
    // The edit is still there, and what is stored is shown beside it
    Eventually.within(WAIT, () -> {
      WebElement row = routeRow("split");
      assertThat(row.findElements(By.cssSelector("input.weight")).stream().map(e -> e.getAttribute("value"))).containsExactly("30", "70");
      assertThat(row.findElement(By.cssSelector(".stale")).getText()).contains("version 3").contains("10/90");
    });
    screenshot("routes-stale-edit");
    // Kept onto the stored version, it is saved
    routeRow("split").findElement(By.cssSelector("button[data-rebase]")).click();
    routeRow("split").findElement(By.cssSelector("button[data-save]")).click();
    // The row is drawn again on each change the watch brings: read it whole, until it shows the saved route
    Eventually.within(WAIT, () -> {
      WebElement row = routeRow("split");
      assertThat(row.findElement(By.cssSelector(".version")).getText()).isEqualTo("4");
      assertThat(row.findElements(By.cssSelector(".weight-shown")).stream().map(WebElement::getText)).containsExactly("30", "70");
    });
  }

  private String yamlOnStdin() {
    return "kind: Route\nname: split\nspec:\n  match: {pathPrefix: /split}\n  to:\n"
        + "    - {url: \"http://127.0.0.1:" + v1.getAddress().getPort() + "\", weight: 10}\n"
        + "    - {url: \"http://127.0.0.1:" + v2.getAddress().getPort() + "\", weight: 90}\n";
  }

  @Test
  @Order(5)
  void servicesListsInstancesAndFiguresAndSearches() throws Exception {
    for (int i = 0; i < 5; i++) get(gateway + "/split/");
    browser.get(control + "/console/services");
    Eventually.within(WAIT, () -> assertThat(serviceRow("catalog").getText()).contains("UP 1").contains("zone-b").contains("v3"));
    Eventually.within(WAIT, () -> assertThat(serviceRow("shop").getText()).contains("UP 1"));
    // The gateway's own figures come from the collector
    Eventually.within(WAIT, () -> assertThat(serviceRow("gateway").findElement(By.cssSelector(".rate")).getText()).endsWith("/s"));
    screenshot("services");
    WebElement search = browser.findElement(By.id("q"));
    search.sendKeys("cat");
    Eventually.within(WAIT, () -> assertThat(browser.findElements(By.cssSelector("#services tbody tr")))
        .extracting(e -> e.getAttribute("data-service")).containsExactly("catalog"));
    assertThat(browser.getCurrentUrl()).endsWith("/console/services?q=cat");
    // Keyboard: j selects the row, Enter opens it
    browser.findElement(By.tagName("body")).click();
    browser.findElement(By.tagName("body")).sendKeys("j");
    browser.findElement(By.tagName("body")).sendKeys(Keys.ENTER);
    Eventually.within(WAIT, () -> assertThat(browser.getCurrentUrl()).endsWith("/console/services/catalog"));
  }

  @Test
  @Order(6)
  void aServicesPageDrawsItsNeighbourhoodListsEdgeTracesAndDrains() throws Exception {
    browser.get(control + "/console/services/gateway?hops=2");
    Eventually.within(WAIT, () -> assertThat(waitFor(By.id("graph")).getAttribute("data-edges")).isNotNull());
    assertThat(Integer.parseInt(browser.findElement(By.id("graph")).getAttribute("data-nodes"))).isGreaterThanOrEqualTo(2);
    assertThat(browser.findElement(By.id("hops")).getAttribute("value")).isEqualTo("2");
    // An edge is a canvas drawing: tapped through cytoscape, as a click on it does
    ((JavascriptExecutor) browser).executeScript("Ooda.graph.edges()[0].emit('tap')");
    Eventually.within(WAIT, () -> assertThat(browser.findElements(By.cssSelector("#edge-traces tr[data-trace]"))).isNotEmpty());
    assertThat(browser.getCurrentUrl()).contains("edge=gateway");
    screenshot("service-graph");

    browser.get(control + "/console/services/catalog");
    // The instances are drawn again every 10 s: a click on a row that was just replaced is tried again
    Eventually.within(WAIT, () -> waitFor(By.cssSelector("#instance-table button[data-drain]")).click());
    Eventually.within(WAIT, () -> assertThat(text(By.id("instance-table"))).contains("DRAINING"));
    Eventually.within(WAIT, () -> assertThat(get(control + "/api/v1/registry/services/catalog/instances").body()).contains("DRAINING"));
    screenshot("service-drained");
  }

  @Test
  @Order(7)
  void aTraceIsFoundAndOpened() throws Exception {
    browser.get(control + "/console/traces?service=gateway&span=get%20split&lookback=1h");
    WebElement first = waitFor(By.cssSelector(".traces tr[data-trace] a"));
    screenshot("traces");
    first.click();
    Eventually.within(WAIT, () -> assertThat(browser.findElements(By.cssSelector(".waterfall .row"))).hasSizeGreaterThanOrEqualTo(2));
    browser.findElements(By.cssSelector(".waterfall .row")).get(1).click();
    Eventually.within(WAIT, () -> assertThat(text(By.id("span-details"))).contains("CLIENT").contains("http.status_code"));
    assertThat(browser.getCurrentUrl()).contains("/console/traces/").contains("span=");
    screenshot("trace-waterfall");
  }

  @Test
  @Order(8)
  void aDeniedCallIsListedWithItsExplanation() throws Exception {
    assertThat(get(gateway + "/shop/x").statusCode()).isEqualTo(403);
    browser.get(control + "/console/access");
    Eventually.within(WAIT, () -> assertThat(text(By.id("group-table"))).contains("shop").contains("orders"));
    Eventually.within(WAIT, () -> assertThat(text(By.id("denial-table")))
        .contains("gateway").contains("shop").contains("GET /shop/x").contains("not in the group of 'shop'"));
    setValue(browser.findElement(By.id("from")), "orders");
    setValue(browser.findElement(By.id("to")), "shop");
    browser.findElement(By.id("check")).click();
    Eventually.within(WAIT, () -> assertThat(text(By.id("verdict"))).startsWith("allow"));
    assertThat(browser.getCurrentUrl()).contains("from=orders").contains("to=shop");
    screenshot("access");
  }

  @Test
  @Order(9)
  void namespacesAndFlagsAreShownWithTheirState() throws Exception {
    String yaml = String.join("\n",
        "kind: Namespace",
        "name: orders",
        "spec:",
        "  owner: orders",
        "  migrations:",
        "    - version: 1",
        "      table: {name: orders, columns: [{name: id, type: bigint, key: true}, {name: customer, type: string}]}",
        "---",
        "kind: Flag",
        "name: new-checkout",
        "spec:",
        "  owner: team-checkout",
        "  variants: {on: true, off: false}",
        "  defaultVariant: off",
        "  rules: [{id: gradual, rollout: {percentages: {on: 10, off: 90}}}]",
        "");
    UpTest.Result applied = UpTest.ooda(yaml, "apply", "-f", "-", "--server", control, "--data-dir", work.resolve("data").toString());
    assertThat(applied.code()).as(applied.err()).isZero();
    Eventually.within(WAIT, () -> {
      HttpResponse<String> evaluated = http.send(HttpRequest.newBuilder(URI.create(control + "/ofrep/v1/evaluate/flags/new-checkout"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"context\":{\"targetingKey\":\"u1\"}}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(evaluated.statusCode()).as(evaluated.body()).isEqualTo(200);
    });

    browser.get(control + "/console/namespaces");
    Eventually.within(WAIT, () -> {
      browser.navigate().refresh();
      assertThat(waitFor(By.cssSelector("section[data-namespace='orders']")).getText()).contains("ready").contains("customer");
    });
    screenshot("namespaces");
    browser.get(control + "/console/flags");
    Eventually.within(WAIT, () -> assertThat(waitFor(By.cssSelector("tr[data-flag='new-checkout'] .evaluations")).getText()).isEqualTo("1"));
    Eventually.within(WAIT, () -> assertThat(text(By.id("flag-table"))).contains("team-checkout").contains("gradual").contains("on 10%"));
    screenshot("flags");
  }

  // ---- helpers

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

  WebElement routeRow(String name) throws Exception {
    return waitFor(By.cssSelector("#routes tr[data-route='" + name + "']"));
  }

  WebElement serviceRow(String name) throws Exception {
    return waitFor(By.cssSelector("#services tr[data-service='" + name + "']"));
  }

  /** Replaces a field's text as a user does: select all, type. */
  static void setValue(WebElement field, String value) {
    field.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    field.sendKeys(value);
  }

  HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  void screenshot(String page) throws Exception {
    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SHOTS.resolve(page + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
