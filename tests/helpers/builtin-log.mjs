// `node --import ./builtin-log.mjs`: when the process first prints "listening", writes the Node
// internals it has loaded so far (process.moduleLoadList) to $FF_TEST_BUILTIN_LOG, one a line.
import { writeFileSync } from 'node:fs';

const write = process.stdout.write.bind(process.stdout);
let written = false;
process.stdout.write = (chunk, ...rest) => {
  if (!written && String(chunk).includes('listening')) {
    written = true;
    writeFileSync(process.env.FF_TEST_BUILTIN_LOG, process.moduleLoadList.join('\n'));
  }
  return write(chunk, ...rest);
};
