package io.switchboard.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The calculator route, {@code /calc}: {@code GET} without an expression serves the form; {@code
 * GET /calc?expr=...} and {@code POST /calc} (a form, {@code application/x-www-form-urlencoded})
 * answer with the result, as HTML, or as JSON when the client accepts {@code application/json}. A
 * bad expression is a 400 that says where ({@code position 4: expected a number or '('}).
 *
 * <p>{@link #answer} is the heavy part (the {@link Calculator}'s work); {@link HttpServer} runs it
 * on the worker pool when there is one.
 *
 * <p>Thread contract: stateless; any thread.
 */
public final class CalculatorPage {
  public static final String PATH = "/calc";

  /** What a request to the calculator asks for, read on the connection's thread (cheap). */
  public record Question(String expression, boolean json, boolean head) {}

  private final Calculator calculator = new Calculator();

  /**
   * Reads what {@code request} asks; {@code null} expression for the bare form.
   *
   * @throws HttpStatusException 400 for a form that does not decode, 415 for a POST that is not a
   *     form
   */
  public static Question question(HttpRequest request, RequestTarget target)
      throws HttpStatusException {
    boolean json = accepts(request.headers().get("accept"), "application/json");
    boolean head = request.method().equals("HEAD");
    String form;
    if (request.method().equals("POST")) {
      String type = request.headers().get("content-type");
      if (type == null
          || !type.split(";")[0].trim().equalsIgnoreCase("application/x-www-form-urlencoded")) {
        throw new HttpStatusException(
            415, "POST a form (application/x-www-form-urlencoded) with an expr field");
      }
      form = new String(request.body(), StandardCharsets.US_ASCII);
      String expression = field(form, "expr");
      return new Question(expression == null ? "" : expression, json, head);
    }
    form = target.query();
    return new Question(form == null ? null : field(form, "expr"), json, head);
  }

  /** The value of {@code name} in a urlencoded form, or {@code null}. */
  static String field(String form, String name) throws HttpStatusException {
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (key.equals(name)) {
        try {
          return URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw new HttpStatusException(400, "the form's " + name + " is not well encoded");
        }
      }
    }
    return null;
  }

  /** True if an {@code Accept} field names {@code type} (not refused with {@code q=0}). */
  static boolean accepts(String accept, String type) {
    if (accept == null) {
      return false;
    }
    for (String range : accept.split(",")) {
      String[] parts = range.split(";");
      if (parts[0].trim().equalsIgnoreCase(type)) {
        for (int i = 1; i < parts.length; i++) {
          String parameter = parts[i].trim();
          if (parameter.startsWith("q=") && parameter.substring(2).trim().matches("0(\\.0*)?")) {
            return false;
          }
        }
        return true;
      }
    }
    return false;
  }

  /** Whether answering {@code question} computes anything (the bare form does not). */
  public static boolean computes(Question question) {
    return question.expression() != null;
  }

  /** The response to {@code question}: the form, a result or the error, as HTML or JSON. */
  public HttpResponse answer(Question question) {
    String expression = question.expression();
    HttpResponse response;
    if (expression == null) {
      response = HttpResponse.status(200).body(page("", null, null), "text/html; charset=utf-8");
    } else {
      try {
        Calculator.Result result = calculator.evaluate(expression);
        response =
            question.json()
                ? HttpResponse.status(200)
                    .body(
                        "{\"expression\":"
                            + json(expression)
                            + ",\"result\":"
                            + json(result.text())
                            + ",\"rounded\":"
                            + result.rounded()
                            + "}\n",
                        "application/json; charset=utf-8")
                : HttpResponse.status(200)
                    .body(page(expression, result, null), "text/html; charset=utf-8");
      } catch (CalculatorException e) {
        response =
            question.json()
                ? HttpResponse.status(400)
                    .body(
                        "{\"expression\":"
                            + json(expression)
                            + ",\"error\":"
                            + json(e.getMessage())
                            + ",\"position\":"
                            + e.position()
                            + "}\n",
                        "application/json; charset=utf-8")
                : HttpResponse.status(400)
                    .body(page(expression, null, e), "text/html; charset=utf-8");
      }
    }
    return response.headOnly(question.head()).header("Cache-Control", "no-store");
  }

  private static String page(String expression, Calculator.Result result, CalculatorException e) {
    StringBuilder html = new StringBuilder(2048);
    html.append(
            """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Calculator · switchboard</title>
            <style>
              body { font-family: system-ui, sans-serif; max-width: 42rem; margin: 2rem auto;
                     padding: 0 1rem; color: #1d2733; }
              input { font: inherit; padding: .3rem; width: 70%; }
              button { font: inherit; padding: .3rem .8rem; }
              output { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
              .error { color: #a40e26; }
            </style></head>
            <body><h1>Calculator</h1>
            <p>Numbers of any precision with <code>+ - * / % ^</code> and parentheses.</p>
            <form method="post" action="/calc">
              <input id="expr" name="expr" autofocus aria-label="expression" value=\"""")
        .append(Html.escape(expression))
        .append(
            """
            ">
              <button id="compute" type="submit">=</button>
            </form>
            """);
    if (result != null) {
      html.append("<p id=\"result\">")
          .append(Html.escape(expression))
          .append(" = <output id=\"answer\">")
          .append(Html.escape(result.text()))
          .append("</output>")
          .append(result.rounded() ? " (rounded)" : "")
          .append("</p>\n");
    }
    if (e != null) {
      html.append("<p id=\"error\" class=\"error\">position ")
          .append(e.position())
          .append(": ")
          .append(Html.escape(e.getMessage()))
          .append("</p>\n");
    }
    return html.append("<p><a href=\"/\">home</a></p></body></html>\n").toString();
  }

  /** {@code text} as a JSON string literal. */
  static String json(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
