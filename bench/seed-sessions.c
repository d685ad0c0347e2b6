/* bench/seed-sessions: creates the persistent MQTT 5 sessions that `mqchat register` and
 * `mqchat group join` leave on the broker, without running mqchat once per user: for each line
 * "CLIENTID<TAB>EXPIRY<TAB>FILTER[<TAB>FILTER...]" of stdin it connects with clean start off and
 * a session expiry of EXPIRY seconds, subscribes to the filters at QoS 1, waits for the SUBACK
 * and disconnects normally, so the broker keeps the session and queues what is published to
 * those filters.
 *   bench-seed-sessions PORT < lines
 * A few hand-made packets over a blocking socket: paho's asynchronous client costs a thread
 * hand-off per operation and would make 100,000 sessions take minutes. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { kMaxPacket = 65536 };

typedef struct {
  unsigned char data[kMaxPacket];
  size_t len;
} Buffer;

static int put_byte(Buffer* b, unsigned v) {
  if (b->len + 1 > sizeof b->data) return -1;
  b->data[b->len++] = (unsigned char)v;
  return 0;
}

static int put_u16(Buffer* b, unsigned v) { return put_byte(b, v >> 8) || put_byte(b, v & 0xff); }

static int put_u32(Buffer* b, uint32_t v) {
  return put_u16(b, v >> 16) || put_u16(b, v & 0xffff);
}

static int put_string(Buffer* b, const char* s, size_t n) {
  if (n > 0xffff || b->len + 2 + n > sizeof b->data) return -1;
  put_u16(b, (unsigned)n);
  memcpy(b->data + b->len, s, n);
  b->len += n;
  return 0;
}

/* Appends a packet: fixed header TYPE, variable-length "remaining length", then BODY. */
static int put_packet(Buffer* out, unsigned type, const Buffer* body) {
  if (put_byte(out, type)) return -1;
  size_t n = body->len;
  do {
    unsigned digit = n % 128;
    n /= 128;
    if (put_byte(out, digit | (n ? 0x80 : 0))) return -1;
  } while (n);
  if (out->len + body->len > sizeof out->data) return -1;
  memcpy(out->data + out->len, body->data, body->len);
  out->len += body->len;
  return 0;
}

static int write_all(int fd, const unsigned char* p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Reads one packet into BODY; returns its type byte, or -1 on EOF or error. */
static int read_packet(int fd, Buffer* body) {
  unsigned char type;
  if (read(fd, &type, 1) != 1) return -1;
  size_t len = 0, shift = 0;
  for (int i = 0; i < 4; i++) {
    unsigned char d;
    if (read(fd, &d, 1) != 1) return -1;
    len |= (size_t)(d & 0x7f) << shift;
    shift += 7;
    if (!(d & 0x80)) break;
  }
  if (len > sizeof body->data) return -1;
  body->len = 0;
  while (body->len < len) {
    ssize_t r = read(fd, body->data + body->len, len - body->len);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    body->len += (size_t)r;
  }
  return type;
}

static int connect_to(const struct sockaddr_in* addr) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, (const struct sockaddr*)addr, sizeof *addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* One session: CONNECT + SUBSCRIBE, CONNACK and SUBACK checked, DISCONNECT, then wait until the
 * broker closes (so that the TIME_WAIT is the broker's, not one of our ephemeral ports). */
static int make_session(const struct sockaddr_in* addr, uint32_t expiry, char* client_id,
                        char** filters, int nfilters) {
  static Buffer out, body;
  out.len = 0;
  body.len = 0;
  put_string(&body, "MQTT", 4);
  put_byte(&body, 5);      /* protocol level: MQTT 5 */
  put_byte(&body, 0x00);   /* flags: clean start off, no will, no credentials */
  put_u16(&body, 60);      /* keep alive */
  put_byte(&body, 5);      /* properties length */
  put_byte(&body, 0x11);   /* Session Expiry Interval */
  put_u32(&body, expiry);
  if (put_string(&body, client_id, strlen(client_id))) return -1;
  put_packet(&out, 0x10, &body);

  body.len = 0;
  put_u16(&body, 1);  /* packet identifier */
  put_byte(&body, 0); /* no properties */
  for (int i = 0; i < nfilters; i++) {
    if (put_string(&body, filters[i], strlen(filters[i])) || put_byte(&body, 0x01)) return -1;
  }
  if (put_packet(&out, 0x82, &body)) return -1;

  int fd = connect_to(addr);
  if (fd < 0) {
    fprintf(stderr, "bench-seed-sessions: cannot connect: %s\n", strerror(errno));
    return -1;
  }
  int ok = write_all(fd, out.data, out.len) == 0;
  int type = ok ? read_packet(fd, &body) : -1;
  /* CONNACK: acknowledge flags, reason code. */
  if (type != 0x20 || body.len < 2 || body.data[1] != 0) {
    fprintf(stderr, "bench-seed-sessions: %s: CONNACK refused or missing\n", client_id);
    ok = 0;
  }
  if (ok) {
    type = read_packet(fd, &body);
    /* SUBACK: packet id, properties (length assumed < 128), one reason code per filter. */
    size_t codes = body.len >= 3 ? 3 + (size_t)body.data[2] : body.len;
    if (type != 0x90 || body.len != codes + (size_t)nfilters) {
      fprintf(stderr, "bench-seed-sessions: %s: SUBACK missing or malformed\n", client_id);
      ok = 0;
    }
    for (size_t i = codes; ok && i < body.len; i++) {
      if (body.data[i] >= 0x80) {
        fprintf(stderr, "bench-seed-sessions: %s: subscription refused (0x%02x)\n", client_id,
                body.data[i]);
        ok = 0;
      }
    }
  }
  if (ok) {
    static const unsigned char disconnect[] = {0xe0, 0x00};
    ok = write_all(fd, disconnect, sizeof disconnect) == 0;
    unsigned char sink[256];
    while (ok && read(fd, sink, sizeof sink) > 0) {
    }
  }
  close(fd);
  return ok ? 0 : -1;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: bench-seed-sessions PORT < 'CLIENTID<TAB>EXPIRY<TAB>FILTER...' lines\n");
    return 2;
  }
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)atoi(argv[1]));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

  long made = 0;
  char* line = NULL;
  size_t cap = 0;
  ssize_t len;
  char* fields[64];
  while ((len = getline(&line, &cap, stdin)) > 0) {
    if (line[len - 1] == '\n') line[--len] = '\0';
    int n = 0;
    for (char* f = strtok(line, "\t"); f && n < 64; f = strtok(NULL, "\t")) fields[n++] = f;
    if (n < 3) continue;
    uint32_t expiry = (uint32_t)strtoul(fields[1], NULL, 10);
    if (make_session(&addr, expiry, fields[0], fields + 2, n - 2) != 0) {
      fprintf(stderr, "bench-seed-sessions: stopped after %ld sessions\n", made);
      return 1;
    }
    ++made;
  }
  free(line);
  return 0;
}
