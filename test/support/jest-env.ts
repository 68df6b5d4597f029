/**
 * The environment of every test process (jest.config.js setupFiles). The gateway's idle memory release is off
 * unless a test turns it on (`memoryRelease` option): in a test process its collection would pause the simulators
 * and every other server of the process, whatever the test measures. test/unit/idle-memory-release.test.ts tests it.
 */
process.env.MEMORY_RELEASE ??= 'off';
