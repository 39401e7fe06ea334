import { sharedVitestConfig } from '../../tooling/vitest.shared.ts';

// Component tests opt into a DOM with `// @vitest-environment happy-dom`; the browser tests
// in e2e/ run in Node and drive Chromium.
export default sharedVitestConfig(import.meta.dirname);
