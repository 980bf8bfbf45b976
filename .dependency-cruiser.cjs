/**
 * Import boundaries between server modules (issue 13), run by `npm run lint`. The house rules:
 * - a module (src/server/modules/<m>/) is used from outside only through its index.ts (a nested index.ts, such as
 *   payments/gateway/index.ts, is a declared public surface too);
 * - no import cycles (scripts/architecture-report.ts --check also fails on cycles between whole modules, which a
 *   file-level check can miss);
 * - tests may build fixtures through src/server/testing/, never from another module's files;
 * - the web app never imports server code (types come through src/shared/; its unit tests may read the server's i18n).
 */
const TEST = '\\.(test|test-support)\\.tsx?$';
const PUBLIC_SURFACE = ['^src/server/modules/[^/]+/index\\.ts$', '^src/server/modules/[^/]+/[^/]+/index\\.ts$'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: split the shared part out, or pass a port in from the composition root (registry.ts).',
      // The web is held to it too since its staff pages import their hooks from staff-hooks.ts, not staff-app.tsx.
      from: { path: '^src/(server|shared|cli|web)/' },
      to: { circular: true },
    },
    {
      name: 'module-reach-in',
      severity: 'error',
      comment: "A module imports another module's internals: import its index.ts (add the export there, with a doc line).",
      from: { path: '^src/server/modules/([^/]+)/', pathNot: TEST },
      to: { path: '^src/server/modules/[^/]+/', pathNot: ['^src/server/modules/$1/', ...PUBLIC_SURFACE] },
    },
    {
      name: 'outside-reach-in',
      severity: 'error',
      comment: "Code outside the modules (composition, kernel, plugins, CLI, bench) imports a module's internals: use its index.ts.",
      from: { path: '^src/(server|cli|shared)/', pathNot: ['^src/server/modules/[^/]+/', '^src/server/testing/', TEST] },
      to: { path: '^src/server/modules/[^/]+/', pathNot: PUBLIC_SURFACE },
    },
    {
      name: 'test-reach-in',
      severity: 'error',
      comment: "A module's test imports another module's internals: use that module's index.ts or a helper in src/server/testing/.",
      from: { path: '^src/server/modules/([^/]+)/.+\\.(?:test|test-support)\\.tsx?$' },
      to: { path: '^src/server/modules/[^/]+/', pathNot: ['^src/server/modules/$1/', ...PUBLIC_SURFACE] },
    },
    {
      name: 'outside-test-reach-in',
      severity: 'error',
      comment: "A test outside the modules imports a module's internals: use its index.ts or a helper in src/server/testing/.",
      from: { path: TEST, pathNot: ['^src/server/modules/', '^src/server/testing/'] },
      to: { path: '^src/server/modules/[^/]+/', pathNot: PUBLIC_SURFACE },
    },
    {
      name: 'web-imports-server',
      severity: 'error',
      comment: 'The web app must not depend on server files: share types through src/shared/.',
      // Web unit tests may load the server's i18n to check the messages a page shows (nothing of it reaches a bundle).
      from: { path: '^src/web/', pathNot: '\\.test\\.tsx?$' },
      to: { path: '^src/server/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|data|var)/' },
    // Type-only imports count: a cycle of types is still a cycle in the design.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
