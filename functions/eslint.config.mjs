import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "lib/**",
      "node_modules/**",
      "devtools/harness/*.cjs",
      ".stryker-tmp/**",
      "reports/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Read configuration through src/config.ts only.",
        },
      ],
    },
  },
  {
    files: ["src/config.ts", "test/**/*.ts", "devtools/**/*.ts"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    // The simulators follow the fact sheets, not the code they test
    // (test/unit/simulator-independence.test.ts also follows indirect imports).
    files: [
      "devtools/heygen-sim/**/*.ts",
      "devtools/provider-sims/**/*.ts",
      "devtools/storage-server/**/*.ts",
      "devtools/sim-media/**/*.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/src", "**/src/**"],
              message:
                "Simulators import nothing from src/: write the fact sheet's value here and cite its section.",
            },
          ],
        },
      ],
    },
  },
);
