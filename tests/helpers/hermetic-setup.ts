import { clearOperatorEnvironment } from './hermetic-env.ts';

// vitest setupFiles: every test process, before its test file is loaded (see hermetic-env.ts).
clearOperatorEnvironment();
