import { defineConfig } from 'vitest/config';

// Node 20 is supported by the pinned SDK line; its end-of-support notice is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'console/src/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
    pool: 'forks',
    // Tests own their organizations, so files can run side by side against one DynamoDB Local.
    fileParallelism: true,
  },
});
