/**
 * How a flashsale process logs: slf4j in every module, Log4j 2 behind it in this one, configured by
 * {@code src/main/resources/log4j2.xml}. One appender on stderr (stdout is for command output, such
 * as the development credentials {@code flashsale run} prints once, which never go into the log);
 * its layout is text (readable lines) or JSON (one ECS object per line, Log4j's JsonTemplateLayout
 * with its {@code EcsLayout.json}), by {@code log.format}.
 *
 * <p><b>From the first line.</b> The command's classes ask slf4j for loggers when picocli builds
 * them, before the configuration is read, so Log4j starts with the text layout. Nothing logs until
 * the configuration is loaded; then {@link dev.flashsale.server.logging.LogSetup#apply} sets the
 * layout's system property, re-reads {@code log4j2.xml} (its {@code Select} picks the layout) and
 * sets the levels, before the command's first line.
 *
 * <p><b>At shutdown.</b> Log4j's own shutdown hook is off ({@code shutdownHook="disable"}): it ran
 * beside the node's hook and stopped the appenders before the node had logged that it stopped. The
 * node's hook calls {@link dev.flashsale.server.logging.LogSetup#shutdown} last. The appender is
 * synchronous and flushes each line, so a command that ends by {@code System.exit} loses nothing.
 *
 * <p><b>Secrets.</b> API keys, customer tokens, token secrets and request headers are never
 * logged; the gateway's access log ({@code flashsale.access}) writes the method, the path without
 * its query string, the status, codes, latency, client address and request id only.
 */
package dev.flashsale.server.logging;
