package io.silo.http.server;

import io.javalin.http.Context;
import io.silo.crypto.Secrets;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is sane, else a new one.
 * It is echoed in the response, put in every problem document, and carried by every log line
 * written while the request runs (MDC key {@code requestId}).
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    private static final String ATTRIBUTE = "silo.requestId";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private RequestIds() {}

    static void assign(Context ctx) {
        String offered = ctx.header(HEADER);
        String id = offered != null && SANE.matcher(offered).matches() ? offered : Secrets.token(12);
        ctx.attribute(ATTRIBUTE, id);
        ctx.header(HEADER, id);
        MDC.put("requestId", id);
    }

    static void clear() {
        MDC.remove("requestId");
        MDC.remove("tenant");
    }

    /** The id of the request being served. */
    public static String current(Context ctx) {
        String id = ctx.attribute(ATTRIBUTE);
        return id == null ? "-" : id;
    }
}
