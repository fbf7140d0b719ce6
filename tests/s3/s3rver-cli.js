// @20minutes/s3rver 5.0.0 ships no bin/s3rver.js; call its CLI module directly.
//
// Two changes make its filesystem store keep S3's semantics (both only
// touch how objects sit on disk; the HTTP side, signatures included, is
// s3rver's own):
//  1. Keys stay literal. The store turns a key into a path with
//     path.join, which resolves "." and ".." segments: "x/../y" was stored
//     as "y", "b/../other/k" in bucket "other". Here "&" and every
//     "."/".."/"" segment but the last are encoded reversibly ("&2e",
//     "&26", "&--"), so listings show the key as sent.
//  2. A multipart object's ETag is S3's: the MD5 of the parts' binary
//     MD5s, "-" and the part count (s3rver gives the whole object's MD5).
const crypto = require('node:crypto')
const fs = require('node:fs/promises')
const path = require('node:path')
const FilesystemStore = require('@20minutes/s3rver/lib/stores/filesystem.js')

FilesystemStore.encodeKeyPath = (key) =>
  key.split('/').map((s, i, all) => {
    if (i === all.length - 1) return s.replace(/&/g, '&26')
    if (s === '.' || s === '..') return s.replace(/\./g, '&2e')
    if (s === '') return '&--'
    return s.replace(/&/g, '&26')
  }).join('/')
FilesystemStore.decodeKeyPath = (p) =>
  p.replace(/&(--|[0-9a-f]{2})/g, (m, h) => (h === '--' ? '' : Buffer.from(h, 'hex').toString('latin1')))

const putObjectMultipart = FilesystemStore.prototype.putObjectMultipart
FilesystemStore.prototype.putObjectMultipart = async function (bucket, uploadId, parts) {
  const dir = path.join(this.getResourcePath(bucket, undefined, 'uploads'), uploadId)
  const key = (await fs.readFile(path.join(dir, 'key'))).toString()
  const sorted = [...parts].sort((a, b) => a.number - b.number)
  const md5 = crypto.createHash('md5')
  for (const p of sorted) md5.update(Buffer.from(await fs.readFile(path.join(dir, `${p.number}.md5`), 'utf8'), 'hex'))
  const etag = `${md5.digest('hex')}-${sorted.length}`
  const result = await putObjectMultipart.call(this, bucket, uploadId, parts)
  await fs.writeFile(this.getResourcePath(bucket, key, 'object.md5'), etag)
  return { ...result, md5: etag }
}

require('@20minutes/s3rver/lib/cli.js').parseAsync().catch((e) => { console.error(e); process.exit(1) })
