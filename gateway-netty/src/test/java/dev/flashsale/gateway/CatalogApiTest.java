package dev.flashsale.gateway;

import dev.flashsale.engine.pipeline.PipelineConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The catalog's routes (products, search) through a real gateway with read services, the JDK
 * HttpClient and raw sockets. Every JSON answer is parsed by Jackson ({@link LiveGateway#BODY}).
 */
@Timeout(60)
class CatalogApiTest
{
    @TempDir
    Path directory;

    private LiveGateway live;

    @AfterEach
    void stop()
    {
        if (live != null)
        {
            live.close();
        }
    }

    private LiveGateway start()
    {
        live = new LiveGateway(new GatewayConfig(), new PipelineConfig().inputRingSize(1024).outputRingSize(4096), List.of(),
            directory);
        return live;
    }

    /** A product whose text needs every kind of escaping JSON has, and names that try to break out of their object. */
    private static Map<String, Object> hostileProduct()
    {
        final Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("Größe \"EU\"", "42 ½");
        attributes.put("x\":\"y\",\"injected\":\"1", "z\"}");
        attributes.put("tab\tnew\nline\u0001bell\u0007", "nul\u0000end\u001f");
        attributes.put("back\\slash/", "\u2028\u2029");
        attributes.put("日本語", "値 😀");
        final Map<String, Object> product = new LinkedHashMap<>();
        product.put("title", "Crème brûlée \"deluxe\" </script>");
        product.put("description", "Zutaten: Milch, Zucker 🍮\r\n\\ fertig");
        product.put("brand", "Nestlé");
        product.put("category", "Süßes \"neu\"");
        product.put("attributes", attributes);
        product.put("imageUrls", List.of("https://img.example/crème.jpg?a=1&b=\"2\""));
        product.put("displayPriceMinor", 499L);
        product.put("currency", "EUR");
        return product;
    }

    @Test
    void namesAndTextOfAnyKindComeBackAsSentInEveryAnswer() throws Exception
    {
        final LiveGateway g = start();
        final Map<String, Object> sent = hostileProduct();
        final HttpResponse<String> put = g.send(g.admin("/v1/admin/products/CREME-1").header("Content-Type", "application/json")
            .PUT(LiveGateway.json(Json.write(sent))));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertProduct(Json.object(put.body()), sent);
        assertProduct(Json.object(g.send(g.admin("/v1/admin/products/CREME-1")).body()), sent);
        final HttpResponse<String> page = g.send(g.storefront("/v1/products/CREME-1", 0));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("application/json");
        assertProduct(Json.object(page.body()), sent);

        final Map<String, Object> search = searchUntilFound(g, "/v1/search?q=deluxe");
        @SuppressWarnings("unchecked")
        final Map<String, Object> hit = ((List<Map<String, Object>>)search.get("hits")).get(0);
        assertThat(hit).containsEntry("sku", "CREME-1").containsEntry("title", sent.get("title"))
            .containsEntry("brand", "Nestlé").containsEntry("category", sent.get("category"));
        assertThat(search.get("facets")).isEqualTo(Map.of("brand", Map.of("Nestlé", 1L), "category", Map.of(sent.get("category"), 1L)));
    }

    @Test
    void aDescriptionMayHave4000CharactersOfAnyScriptAndNotOneMore() throws Exception
    {
        final LiveGateway g = start();
        for (final String character : List.of("a", "é", "中"))
        {
            final Map<String, Object> product = new LinkedHashMap<>(Map.of("title", "Long", "brand", "B", "category", "c",
                "description", character.repeat(4_000), "displayPriceMinor", 1L, "currency", "EUR"));
            final HttpResponse<String> saved = g.send(g.admin("/v1/admin/products/LONG-1").header("Content-Type", "application/json")
                .PUT(LiveGateway.json(Json.write(product))));
            assertThat(saved.statusCode()).as("4,000 of %s: %s", character, saved.body()).isEqualTo(200);
            assertThat(Json.object(g.send(g.storefront("/v1/products/LONG-1", 0)).body()).get("description"))
                .isEqualTo(product.get("description"));

            product.put("description", character.repeat(4_001));
            final HttpResponse<String> refused = g.send(g.admin("/v1/admin/products/LONG-1")
                .header("Content-Type", "application/json").PUT(LiveGateway.json(Json.write(product))));
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(Json.object(refused.body())).containsEntry("detail", "description must be at most 4000 characters");
        }
        final Map<String, Object> longTitle = new LinkedHashMap<>(Map.of("title", "t".repeat(1_025), "brand", "B", "category", "c",
            "displayPriceMinor", 1L, "currency", "EUR"));
        final HttpResponse<String> title = g.send(g.admin("/v1/admin/products/LONG-1").header("Content-Type", "application/json")
            .PUT(LiveGateway.json(Json.write(longTitle))));
        assertThat(Json.object(title.body())).as("the title keeps its own rule").containsEntry("detail", "title must be 1..200 characters");
        final HttpResponse<String> profile = g.send(g.storefront("/v1/me/profile", 7).header("Content-Type", "application/json")
            .PUT(LiveGateway.json(Json.write(Map.of("name", "n".repeat(1_025), "email", "a@b.co")))));
        assertThat(profile.statusCode()).isEqualTo(400);
        assertThat((String)Json.object(profile.body()).get("detail")).as("other bodies keep the 1,024 bound")
            .startsWith("the JSON body exceeds a limit");
    }

    @Test
    void searchTextIsWordsAndAMalformedQueryStringIsA400InItsPlace() throws Exception
    {
        final LiveGateway g = start();
        final Map<String, Object> product = new LinkedHashMap<>(Map.of("title", "Salt AND pepper", "brand", "Or",
            "category", "spices", "description", "50% off, title:free", "displayPriceMinor", 300L, "currency", "EUR"));
        assertThat(g.send(g.admin("/v1/admin/products/SALT-1").header("Content-Type", "application/json")
            .PUT(LiveGateway.json(Json.write(product)))).statusCode()).isEqualTo(200);
        searchUntilFound(g, "/v1/search?q=salt");
        for (final String words : List.of("AND", "OR", "and%20OR", "title%3Afree", "50%25", "salt%20AND%20pepper"))
        {
            final Map<String, Object> found = Json.object(g.send(g.storefront("/v1/search?q=" + words, 0)).body());
            assertThat(found.get("total")).as(words).isEqualTo(1L);
        }
        for (final String syntax : List.of("%2B%2D", "%28", "%5Ba%20TO%20z%5D", "%2A", "%7E", "AND%20OR", "%22", "%5C"))
        {
            final HttpResponse<String> answer = g.send(g.storefront("/v1/search?q=" + syntax, 0));
            assertThat(answer.statusCode()).as(syntax + ": " + answer.body()).isEqualTo(200);
        }

        final String get = "GET %s HTTP/1.1\r\nHost: x\r\nX-Api-Key: " + g.credentials.storefrontKey() + "\r\n\r\n";
        final List<EmbeddedGateway.Response> answers = g.pipelined(get.formatted("/v1/search?q=salt") +
            get.formatted("/v1/search?q=50%") + get.formatted("/v1/search?category=x&q=%zz") + get.formatted("/v1/search?q=%") +
            get.formatted("/v1/search?q=AND"), 5);
        assertThat(answers).extracting(EmbeddedGateway.Response::status).containsExactly(200, 400, 400, 400, 200);
        for (final EmbeddedGateway.Response refused : answers.subList(1, 4))
        {
            assertThat(Json.object(refused.body())).containsEntry("code", "INVALID_REQUEST")
                .containsEntry("detail", "the query string is not valid percent-encoding");
        }
        assertThat(Json.object(answers.get(0).body())).containsEntry("total", 1L);
    }

    @Test
    void aFailureOffTheLoopOrOnItIsA500WithoutTheExceptionsMessage() throws Exception
    {
        final LiveGateway g = start();
        g.readServices.search().close(); // every search now fails inside Lucene
        final HttpResponse<String> search = g.send(g.storefront("/v1/search?q=anything", 0));
        assertThat(search.statusCode()).isEqualTo(500);
        assertThat(Json.object(search.body())).containsEntry("code", "INTERNAL_ERROR")
            .containsEntry("detail", "the GET /v1/search request failed; the node's log has the cause");

        g.readServices.catalog().close(); // every product read now fails in its store
        final HttpResponse<String> page = g.send(g.storefront("/v1/products/ANY", 0));
        assertThat(page.statusCode()).isEqualTo(500);
        assertThat(Json.object(page.body())).containsEntry("code", "INTERNAL_ERROR")
            .containsEntry("detail", "the read service failed; the node's log has the cause");
    }

    @Test
    void anAdminWriteWaitingForTheSearchIndexStallsNoOtherRequest() throws Exception
    {
        final LiveGateway g = start(); // one event loop: every connection on it
        final Map<String, Object> product = new LinkedHashMap<>(Map.of("title", "Tee", "brand", "B", "category", "c",
            "displayPriceMinor", 1L, "currency", "EUR"));
        final CompletableFuture<HttpResponse<String>> put;
        synchronized (g.readServices.search()) // what a rebuild holds while it re-indexes the catalog
        {
            put = g.client.sendAsync(g.admin("/v1/admin/products/TEE-1").header("Content-Type", "application/json")
                .PUT(LiveGateway.json(Json.write(product))).build(), LiveGateway.BODY);
            awaitBlockedOn(g.readServices.search(), "flashsale-projections");
            final List<EmbeddedGateway.Response> others = g.pipelined("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n" +
                "GET /v1/products/NONE HTTP/1.1\r\nHost: x\r\nX-Api-Key: " + g.credentials.storefrontKey() + "\r\n\r\n", 2);
            assertThat(others).as("answered while the write waits for the index").extracting(EmbeddedGateway.Response::status)
                .containsExactly(200, 404);
        }
        assertThat(put.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    /** Waits until a thread not named {@code except} is blocked on {@code monitor}: the write reached the index. */
    private static void awaitBlockedOn(final Object monitor, final String except) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline)
        {
            for (final ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(true, false))
            {
                if (thread.getThreadState() == Thread.State.BLOCKED && thread.getLockInfo() != null &&
                    thread.getLockInfo().getIdentityHashCode() == System.identityHashCode(monitor) &&
                    !thread.getThreadName().equals(except))
                {
                    return;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no request waited for the search index within 10 s");
    }

    private static void assertProduct(final Map<String, Object> answer, final Map<String, Object> sent)
    {
        assertThat(answer.keySet()).as("no field added, none lost").containsExactly("sku", "title", "description", "brand",
            "category", "attributes", "imageUrls", "displayPriceMinor", "currency", "availability");
        for (final String field : sent.keySet())
        {
            assertThat(answer.get(field)).as(field).isEqualTo(sent.get(field));
        }
        assertThat(answer.get("availability")).isNull();
    }

    /** Searches until the product is found: the index makes a write searchable within about 100 ms. */
    private static Map<String, Object> searchUntilFound(final LiveGateway g, final String path) throws Exception
    {
        final long deadline = System.nanoTime() + 5_000_000_000L;
        Map<String, Object> answer;
        do
        {
            final HttpResponse<String> response = g.send(g.storefront(path, 0));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            answer = Json.object(response.body());
            if (((Number)answer.get("total")).longValue() > 0)
            {
                return answer;
            }
            Thread.sleep(20);
        }
        while (System.nanoTime() < deadline);
        throw new AssertionError("not found within 5 s: " + answer);
    }
}
