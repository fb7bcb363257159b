import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'plugin/**/*.test.ts', 'overlay/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // expect.poll waits for something that must happen; 1 s (vitest's default) is short on a loaded 2-core CI machine.
    expect: { poll: { timeout: 5_000 } },
    // Browser and child-process tests are heavy on a 2-core machine.
    maxWorkers: 2,
  },
});
