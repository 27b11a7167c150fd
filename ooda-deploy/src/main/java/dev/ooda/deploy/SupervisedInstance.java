package dev.ooda.deploy;

/**
 * One instance as the supervisor sees it.
 *
 * @param restarts how often it was restarted after a crash
 * @param lastExit the exit code of its last crash, or null
 */
public record SupervisedInstance(String service, String version, int index, long pid, int port, InstanceState state,
                                 int restarts, Integer lastExit, boolean adopted) {}
