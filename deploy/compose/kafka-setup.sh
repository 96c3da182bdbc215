#!/bin/sh
# Creates the topics (kept forever: records carry event time, history is replayed) and grants
# each client only what it needs: the simulator writes the input topics; the job reads them with
# its consumer groups (demand-monitor*) and writes dead letters, alerts and incidents. Runs once, as admin.
set -eu
: "${KAFKA_ADMIN_PASSWORD:?set KAFKA_ADMIN_PASSWORD}"
KAFKA=/opt/kafka/bin
ADMIN=/tmp/admin.properties
umask 077
cat > "$ADMIN" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$KAFKA_ADMIN_PASSWORD";
PROPERTIES
INPUTS="care-referrals safeguarding-contacts helpline-calls testing-events"
OUTPUTS="demand-dead-letters demand-alerts demand-incidents"
for topic in $INPUTS $OUTPUTS; do
  "$KAFKA/kafka-topics.sh" --bootstrap-server kafka:9092 --command-config "$ADMIN" --create --if-not-exists \
    --topic "$topic" --partitions 2 --config retention.ms=-1
done
acl() {
  "$KAFKA/kafka-acls.sh" --bootstrap-server kafka:9092 --command-config "$ADMIN" --add "$@"
}
for topic in $INPUTS; do
  acl --allow-principal User:simulator --operation Write --operation Describe --topic "$topic"
  acl --allow-principal User:demand-monitor --operation Read --operation Describe --topic "$topic"
done
for topic in $OUTPUTS; do
  acl --allow-principal User:demand-monitor --operation Write --operation Describe --topic "$topic"
done
acl --allow-principal User:demand-monitor --operation Read --group demand-monitor --resource-pattern-type prefixed
