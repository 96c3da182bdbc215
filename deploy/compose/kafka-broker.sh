#!/bin/sh
# The compose stack's Kafka node (KRaft, broker and controller in one). Clients reach it only on
# port 9092 with SASL/SCRAM-SHA-512, and the authorizer denies whatever an ACL does not grant
# (kafka-setup.sh grants them). The plaintext listeners for the controller and the broker's own
# traffic listen on the container's loopback only, so nothing outside the container reaches them.
# SCRAM users are created when the storage is first formatted; later password changes go through
# kafka-configs.sh --alter --add-config (docs/security.md).
set -eu
: "${KAFKA_ADMIN_PASSWORD:?set KAFKA_ADMIN_PASSWORD}"
: "${KAFKA_JOB_PASSWORD:?set KAFKA_JOB_PASSWORD}"
: "${KAFKA_SIMULATOR_PASSWORD:?set KAFKA_SIMULATOR_PASSWORD}"
# The passwords go into a JAAS line and --add-scram's [name=...,password=...]: letters and digits
# only, so that none can end its field early.
for password in "$KAFKA_ADMIN_PASSWORD" "$KAFKA_JOB_PASSWORD" "$KAFKA_SIMULATOR_PASSWORD"; do
  case "$password" in
    *[!A-Za-z0-9]*) echo "kafka-broker.sh: Kafka passwords must be letters and digits only" >&2; exit 2 ;;
  esac
done
KAFKA=/opt/kafka
CONF=/tmp/server.properties
cat > "$CONF" <<PROPERTIES
node.id=1
process.roles=broker,controller
controller.quorum.voters=1@127.0.0.1:9093
listeners=CLIENTS://:9092,INTERNAL://127.0.0.1:9094,CONTROLLER://127.0.0.1:9093
advertised.listeners=CLIENTS://kafka:9092,INTERNAL://127.0.0.1:9094
listener.security.protocol.map=CLIENTS:SASL_PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=INTERNAL
controller.listener.names=CONTROLLER
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.clients.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:ANONYMOUS;User:admin
log.dirs=/var/lib/kafka/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
log.retention.ms=-1
PROPERTIES
"$KAFKA/bin/kafka-storage.sh" format --ignore-formatted -c "$CONF" \
  --cluster-id "$("$KAFKA/bin/kafka-storage.sh" random-uuid)" \
  --add-scram "SCRAM-SHA-512=[name=admin,password=$KAFKA_ADMIN_PASSWORD]" \
  --add-scram "SCRAM-SHA-512=[name=demand-monitor,password=$KAFKA_JOB_PASSWORD]" \
  --add-scram "SCRAM-SHA-512=[name=simulator,password=$KAFKA_SIMULATOR_PASSWORD]"
exec "$KAFKA/bin/kafka-server-start.sh" "$CONF"
