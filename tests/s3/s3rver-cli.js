// @20minutes/s3rver 5.0.0 ships no bin/s3rver.js; call its CLI module directly.
require('@20minutes/s3rver/lib/cli.js').parseAsync().catch((e) => { console.error(e); process.exit(1) })
