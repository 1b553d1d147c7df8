import { defineConfig } from "vitest/config";

// The container stage (npm run test:container): builds the image and plays it with podman. Kept out of `npm test`.
export default defineConfig({
  test: {
    include: ["test/container/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: "forks",
    fileParallelism: false,
  },
});
