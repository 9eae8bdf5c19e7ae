package io.switchboard.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * What one in-process run of the command line returned and printed: for the runs that end before
 * serving (help, refusals, --check); a server runs as a real process ({@link RunningServe}).
 */
record Run(int code, String out, String err) {

  static Run of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }
}
