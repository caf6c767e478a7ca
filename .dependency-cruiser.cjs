/**
 * Import rules for the product code (lib/ and jobs/), checked by dependency-cruiser from
 * test/architecture/dependencies.test.ts (part of `npm test`); `npx depcruise lib jobs` applies
 * the same rules by hand. Data flows one way through the lib/ folders (datasets → generation →
 * retrieval → metrics → store → reports), so:
 * - no cycle between two lib/ top-level folders (a folder's modules and its sub-folders' count as
 *   one node: lib/jobs/handlers is part of lib/jobs); the modules at the top of lib/ are neutral
 *   leaves that import no folder, and lib/index.ts (the package API) is imported by none, so no
 *   folder cycle can pass through them;
 * - no cycle between modules, type-only imports included;
 * - product code never imports test code (the build compiles lib/ and jobs/ only);
 * - no orphan module (a file nothing imports and that imports nothing is dead or misplaced).
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment:
        'Two lib/ folders depend on each other (directly or through others). Move the shared piece ' +
        'down into the lower folder, or into a neutral module both may import.',
      scope: 'folder',
      from: { path: '^lib/[^/]+$' },
      to: { path: '^lib/[^/]+$', circular: true },
    },
    {
      // Root modules are not part of any folder, so the folder rule cannot see a cycle through
      // one; keeping them leaves (and lib/index.ts, the public API, unimported) rules that out.
      name: 'root-module-is-leaf',
      severity: 'error',
      comment:
        'A module at the top of lib/ (input-error.ts, terminal-table.ts, ...) is a small neutral helper ' +
        'below every folder: it imports no lib/ folder. Put a module that needs one inside a folder.',
      from: { path: '^lib/[^/]+\\.ts$', pathNot: '^lib/index\\.ts$' },
      to: { path: '^lib/[^/]+/' },
    },
    {
      name: 'no-import-of-public-index',
      severity: 'error',
      comment: 'lib/index.ts is the package API for other projects; code in lib/ and jobs/ imports the module it needs.',
      from: { path: '^(lib|jobs)/' },
      to: { path: '^lib/index\\.ts$' },
    },
    {
      name: 'no-module-cycle',
      severity: 'error',
      comment: 'Modules that import each other (type-only imports count): move the shared piece into its own module.',
      from: { path: '^(lib|jobs)/' },
      to: { circular: true },
    },
    {
      name: 'no-test-import',
      severity: 'error',
      comment: 'Product code (lib/, jobs/) imports test code; measurement harnesses and fakes belong under test/.',
      from: { path: '^(lib|jobs)/' },
      to: { path: '^test/' },
    },
    {
      name: 'no-orphan',
      severity: 'error',
      comment: 'A module nothing imports and that imports nothing: remove it, or import it where it is used.',
      from: { orphan: true, path: '^(lib|jobs)/', pathNot: '\\.d\\.ts$' },
      to: {},
    },
  ],
  options: {
    // Type-only imports are dependencies too: a cycle through types is still a cycle in the design.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist(-perf)?/' },
    moduleSystems: ['cjs', 'es6'],
    // Folder metrics are what folder-scope rules are checked against.
    metrics: true,
  },
};
