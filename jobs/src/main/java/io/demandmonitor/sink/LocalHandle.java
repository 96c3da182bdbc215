package io.demandmonitor.sink;

import java.io.Serializable;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a Flink function reaches an object of the JVM that built the job, such as the console board:
 * functions are serialized, so they carry this handle (a name) instead of the object, and look the
 * object up where they run. Only the embedded runtime runs them in the building JVM; in a cluster's
 * task manager {@link #get} finds nothing, so jobs for a cluster must not use handles.
 */
public final class LocalHandle<T> implements Serializable, AutoCloseable {

  private static final Map<String, Object> REGISTERED = new ConcurrentHashMap<>();

  private final String name;

  private LocalHandle(String name) {
    this.name = name;
  }

  /** Makes {@code object} reachable until the handle is closed. */
  public static <T> LocalHandle<T> register(T object) {
    String name = UUID.randomUUID().toString();
    REGISTERED.put(name, object);
    return new LocalHandle<>(name);
  }

  @SuppressWarnings("unchecked") // register is the only way in, with a T
  public T get() {
    Object object = REGISTERED.get(name);
    if (object == null) {
      throw new IllegalStateException(
          "object "
              + name
              + " is not registered in this JVM (closed, or not the embedded runtime)");
    }
    return (T) object;
  }

  /** Forgets the object: the job that reached it has ended. */
  @Override
  public void close() {
    REGISTERED.remove(name);
  }
}
