import { sharedVitestConfig } from '../../tooling/vitest.shared.ts';

export default sharedVitestConfig(import.meta.dirname);
