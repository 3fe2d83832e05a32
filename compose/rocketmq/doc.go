// Package rocketmq holds docker compose files for a real Apache RocketMQ
// (README.md): docker-compose.yml, a name server and one broker, and
// dledger/docker-compose.yml, a name server and a 3-node DLedger (Raft)
// broker group. brokerbench does not start them; its tests only check
// that the files are consistent (services, ports, image variables,
// mounted files, broker settings).
package rocketmq
