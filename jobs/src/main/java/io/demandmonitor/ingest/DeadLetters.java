package io.demandmonitor.ingest;

import io.demandmonitor.schema.DeadLetter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * How a record that cannot be used becomes a {@link DeadLetter}, and how a dead letter is cut to
 * fit a Kafka producer's request limit. The broker accepts records up to about the producer's
 * {@code max.request.size}, so a dead letter carrying the whole record plus its envelope may be too
 * large to send: it would fail the job on every restart. Cut, it keeps the start of the bytes,
 * their full sizes and the SHA-256 of the full value.
 */
public final class DeadLetters {

  /**
   * Room left for everything but the raw key and value: Avro envelope, Kafka record and batch
   * headers.
   */
  public static final int ENVELOPE_HEADROOM = 16 * 1024;

  /**
   * Errors may quote payload text (an unknown district, say): they are cut to this many characters.
   */
  static final int MAX_ERROR_CHARS = 1000;

  private DeadLetters() {}

  /**
   * The dead letter of {@code raw}: its bytes as received, their sizes and hash, the reason and
   * error.
   */
  public static DeadLetter of(RawRecord raw, InvalidRecordException problem, long nowMillis) {
    String error = problem.getMessage();
    if (error.length() > MAX_ERROR_CHARS) {
      error = error.substring(0, MAX_ERROR_CHARS) + "... (" + error.length() + " characters)";
    }
    return DeadLetter.newBuilder()
        .setSourceTopic(raw.source)
        .setPartition(raw.partition)
        .setOffset(raw.offset)
        .setRawKey(raw.key == null ? null : ByteBuffer.wrap(raw.key))
        .setRawValue(raw.value == null ? null : ByteBuffer.wrap(raw.value))
        .setRawKeySize(raw.key == null ? null : raw.key.length)
        .setRawValueSize(raw.value == null ? null : raw.value.length)
        .setRawValueSha256(raw.value == null ? null : sha256(raw.value))
        .setReason(problem.reason())
        .setError(error)
        .setDeadLetteredAt(Instant.ofEpochMilli(nowMillis))
        .build();
  }

  /**
   * The raw key and value bytes a producer with this {@code max.request.size} can send in a dead
   * letter.
   */
  public static int rawBytesFor(int maxRequestSize) {
    return Math.max(0, maxRequestSize - ENVELOPE_HEADROOM);
  }

  /**
   * {@code letter} itself if its key and value fit in {@code maxRawBytes} together; else a copy
   * marked truncated with the value (and, if it is the larger, the key) cut: the smaller of the two
   * is kept whole when it fits in half.
   */
  public static DeadLetter fitted(DeadLetter letter, int maxRawBytes) {
    int key = length(letter.getRawKey());
    int value = length(letter.getRawValue());
    if (key + value <= maxRawBytes) {
      return letter;
    }
    int valueKept = Math.min(value, Math.max(maxRawBytes - key, maxRawBytes / 2));
    int keyKept = Math.min(key, maxRawBytes - valueKept);
    return DeadLetter.newBuilder(letter)
        .setRawKey(start(letter.getRawKey(), keyKept))
        .setRawValue(start(letter.getRawValue(), valueKept))
        .setTruncated(true)
        .build();
  }

  private static int length(ByteBuffer bytes) {
    return bytes == null ? 0 : bytes.remaining();
  }

  private static ByteBuffer start(ByteBuffer bytes, int length) {
    if (bytes == null) {
      return null;
    }
    byte[] kept = new byte[length];
    bytes.duplicate().get(kept); // the start only: the rest may be most of a megabyte
    return ByteBuffer.wrap(kept);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
