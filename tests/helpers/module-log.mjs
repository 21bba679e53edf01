// `node --import ./module-log.mjs`: appends the URL of every module the process imports to
// $FF_TEST_MODULE_LOG, one a line — for tests about what a command loads.
import { register } from 'node:module';

register('./module-log-hooks.mjs', import.meta.url, { data: { file: process.env.FF_TEST_MODULE_LOG } });
