// One aedes MQTT node of mqchat's test cluster: nodes started with the same redis share
// retained messages, persistent sessions, wills (aedes-persistence-redis) and live traffic
// (mqemitter-redis). Listens on 127.0.0.1 only.
//   node aedes-node.mjs NODE_ID PORT REDIS_PORT   (redis on 127.0.0.1)
// Prints "ready PORT" on stdout once it accepts connections; stops on SIGTERM or SIGINT.
import { createServer } from 'node:net'
import { createRequire } from 'node:module'
import { Aedes } from 'aedes'

const require = createRequire(import.meta.url)
const RedisPersistence = require('aedes-persistence-redis')
const RedisEmitter = require('mqemitter-redis')

const [id, portText, redisPortText] = process.argv.slice(2)
const port = Number(portText)
const redisPort = Number(redisPortText)
const validPort = (p) => Number.isInteger(p) && p >= 1 && p <= 65535
if (!id || !validPort(port) || !validPort(redisPort)) {
  console.error('usage: node aedes-node.mjs NODE_ID PORT REDIS_PORT')
  process.exit(2)
}

const broker = await Aedes.createBroker({
  id,
  // A dead node is noticed by its peers after a few missed heartbeats; they then publish the
  // wills of its clients. The default (60 s) would make failover tests wait minutes.
  heartbeatInterval: 500,
  mq: RedisEmitter({ host: '127.0.0.1', port: redisPort }),
  // The default delivers at most 1,000 queued messages per reconnect; mqchat's tests and
  // `mqchat doctor` queue more than that to an offline session.
  persistence: RedisPersistence({ host: '127.0.0.1', port: redisPort, maxSessionDelivery: 100000 })
})

const server = createServer(broker.handle)
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${port}\n`)
})
server.on('error', (err) => {
  console.error(`aedes-node ${id}: ${err.message}`)
  process.exit(1)
})

function stop () {
  server.close()
  broker.close(() => process.exit(0))
  setTimeout(() => process.exit(0), 2000).unref()
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
