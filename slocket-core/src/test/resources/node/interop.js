// Holds a Node slocket 1.0.5 lock under the occupancy marker, for the interop test.
// Usage: node interop.js <socket path> <work dir> <id>
// Prints "HELD <id>", releases once <work dir>/release-<id> exists ("RELEASED <id>"),
// keeps serving as arbiter and exits once <work dir>/exit-<id> exists.
const slocket = require('slocket')
const fs = require('fs')
const path = require('path')

const [socket, work, id] = process.argv.slice(2)
const marker = path.join(work, 'occupied')
const keepAlive = setInterval(() => {}, 1000)

function whenExists (file, action) {
  const poll = setInterval(() => {
    if (fs.existsSync(file)) {
      clearInterval(poll)
      action()
    }
  }, 10)
}

slocket(socket, (er, lock) => {
  if (er) {
    console.log('FAIL ' + er.message)
    process.exit(1)
  }
  try {
    fs.writeFileSync(marker, 'node-' + id, { flag: 'wx' })
  } catch (e) {
    console.log('FAIL DOUBLE HOLDER: ' + e.message)
    process.exit(1)
  }
  console.log('HELD ' + id)
  whenExists(path.join(work, 'release-' + id), () => {
    fs.unlinkSync(marker)
    lock.release()
    console.log('RELEASED ' + id)
    whenExists(path.join(work, 'exit-' + id), () => {
      clearInterval(keepAlive)
      process.exit(0)
    })
  })
})
