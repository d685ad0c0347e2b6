/* bench/seed: publishes the lines "TOPIC<TAB>PAYLOAD" of stdin as retained QoS 1 messages with
 * many publishes in flight, so that bench/run fills the directory with 10,000 users in a moment
 * (mosquitto_pub -l publishes every line to one and the same topic). Plain C over paho's
 * asynchronous client: it compiles in well under a second.
 *   bench-seed PORT < lines */
#include <MQTTAsync.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { kWindow = 1000 };

static atomic_int connected;  /* 0 waiting, 1 connected, -1 refused */
static atomic_long acknowledged;
static atomic_long failed;

static void on_connect(void* ctx, MQTTAsync_successData* r) {
  (void)ctx, (void)r;
  connected = 1;
}
static void on_connect_failure(void* ctx, MQTTAsync_failureData* r) {
  (void)ctx, (void)r;
  connected = -1;
}
static void on_acknowledged(void* ctx, MQTTAsync_successData* r) {
  (void)ctx, (void)r;
  ++acknowledged;
}
static void on_failure(void* ctx, MQTTAsync_failureData* r) {
  (void)ctx, (void)r;
  ++failed;
  ++acknowledged;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: bench-seed PORT < 'TOPIC<TAB>PAYLOAD' lines\n");
    return 2;
  }
  char uri[64], id[64];
  snprintf(uri, sizeof uri, "tcp://127.0.0.1:%s", argv[1]);
  snprintf(id, sizeof id, "bench-seed-%d", (int)getpid());
  MQTTAsync client;
  MQTTAsync_createOptions create = MQTTAsync_createOptions_initializer;
  create.maxBufferedMessages = 2 * kWindow;
  if (MQTTAsync_createWithOptions(&client, uri, id, MQTTCLIENT_PERSISTENCE_NONE, NULL, &create) !=
      MQTTASYNC_SUCCESS) {
    fprintf(stderr, "bench-seed: cannot create a client for %s\n", uri);
    return 1;
  }
  MQTTAsync_connectOptions conn = MQTTAsync_connectOptions_initializer;
  conn.cleansession = 1;
  conn.keepAliveInterval = 60;
  conn.onSuccess = on_connect;
  conn.onFailure = on_connect_failure;
  if (MQTTAsync_connect(client, &conn) != MQTTASYNC_SUCCESS) return 1;
  while (connected == 0) usleep(1000);
  if (connected < 0) {
    fprintf(stderr, "bench-seed: cannot connect to %s\n", uri);
    return 1;
  }

  long sent = 0;
  char* line = NULL;
  size_t cap = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, stdin)) > 0) {
    if (line[len - 1] == '\n') line[--len] = '\0';
    char* tab = strchr(line, '\t');
    if (!tab) continue;
    *tab = '\0';
    while (sent - acknowledged >= kWindow) usleep(200);
    MQTTAsync_responseOptions response = MQTTAsync_responseOptions_initializer;
    response.onSuccess = on_acknowledged;
    response.onFailure = on_failure;
    MQTTAsync_message msg = MQTTAsync_message_initializer;
    msg.payload = tab + 1;
    msg.payloadlen = (int)(line + len - (tab + 1));
    msg.qos = 1;
    msg.retained = 1;
    int rc = MQTTAsync_sendMessage(client, line, &msg, &response);
    if (rc != MQTTASYNC_SUCCESS) {
      fprintf(stderr, "bench-seed: publish failed (%d)\n", rc);
      return 1;
    }
    ++sent;
  }
  while (acknowledged < sent) usleep(1000);
  MQTTAsync_disconnectOptions disc = MQTTAsync_disconnectOptions_initializer;
  MQTTAsync_disconnect(client, &disc);
  usleep(10000);
  if (failed) {
    fprintf(stderr, "bench-seed: %ld of %ld publishes failed\n", (long)failed, sent);
    _exit(1);
  }
  /* Skip MQTTAsync_destroy: it stops paho's threads in 100 ms sleeps. */
  _exit(0);
}
