// The JS check (tools/test.sh runs `npx eslint`; any error fails the test command): ESLint's
// recommended rules plus a few that catch real mistakes, over the page (www/), the tests and
// the tools. Generated, bundled and vendored code (www/pkg, www/build, www/vendor) is not ours
// to lint.
import js from '@eslint/js';
import globals from 'globals';

const strict = {
  'no-unused-vars': ['error', { args: 'after-used', caughtErrors: 'none', ignoreRestSiblings: true }],
  'no-var': 'error',
  'prefer-const': ['error', { destructuring: 'all' }],
  eqeqeq: ['error', 'always', { null: 'ignore' }],
  'no-implicit-globals': 'error',
  'no-shadow-restricted-names': 'error',
  'no-throw-literal': 'error',
  'no-self-compare': 'error',
  'no-template-curly-in-string': 'error',
  'no-unmodified-loop-condition': 'error',
  'no-unreachable-loop': 'error',
};

export default [
  { ignores: ['www/pkg/**', 'www/vendor/**', 'www/build/**', 'node_modules/**', 'target/**', 'test-artifacts/**'] },
  js.configs.recommended,
  {
    files: ['www/**/*.js'],
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: { ...globals.browser } },
    rules: strict,
  },
  {
    files: ['www/js/pose-worker.js', 'www/sw.js'],
    languageOptions: { globals: { ...globals.worker, ...globals.serviceworker } },
  },
  {
    // The page benchmark's and the pose test's pages run in the browser.
    files: ['tests/bench/bench-page.js', 'tests/e2e/fixtures/**/*.js'],
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: { ...globals.browser } },
    rules: strict,
  },
  {
    files: ['tests/**/*.mjs', 'tools/**/*.mjs', 'eslint.config.js'],
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: { ...globals.node } },
    rules: strict,
  },
  {
    // page.evaluate(() => …) bodies run in the page: the browser's globals are theirs.
    files: ['tests/e2e/**/*.mjs', 'tests/bench/**/*.mjs', 'tools/mask-track.mjs'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
];
