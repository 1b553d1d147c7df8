import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // the container stage builds the image and runs podman: its own command (npm run test:container)
    exclude: ["test/container/**", "**/node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Most tests wait (on the fake's timers, child processes, real redis-servers) rather than compute: three files
    // at a time on a 2-core machine take the suite from about 9 minutes to under 4 (vitest's default is cores - 1)
    maxWorkers: 3,
  },
});
