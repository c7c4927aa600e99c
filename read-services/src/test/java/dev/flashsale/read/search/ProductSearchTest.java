package dev.flashsale.read.search;

import dev.flashsale.read.JournaledNode;
import dev.flashsale.read.catalog.Catalog;
import dev.flashsale.read.catalog.Product;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class ProductSearchTest
{
    @TempDir
    Path work;

    private static Product product(final String sku, final String title, final String brand, final String category, final long price,
        final String description)
    {
        return new Product(sku, title, description, brand, category, Map.of(), List.of(), price, "EUR");
    }

    private static SearchQuery query(final String text)
    {
        return new SearchQuery(text, null, null, null, false, SearchQuery.Order.RELEVANCE, 1, 10);
    }

    @Test
    void searchesFiltersSortsPagesCountsAndFollowsASellOut()
    {
        final Path data = work.resolve("data");
        try (JournaledNode node = new JournaledNode(data))
        {
            node.upsertSku("SHOE-1", 1);
            node.upsertSku("SHOE-2", 5);
            try (Catalog catalog = Catalog.open(data, work.resolve("read"), 100);
                 ProductSearch search = new ProductSearch(catalog))
            {
                catalog.onChange(search::update);
                catalog.put(product("SHOE-1", "Red running shoe", "Fleet", "shoes", 8_000, "Light and fast"));
                catalog.put(product("SHOE-2", "Blue trail shoe", "Fleet", "shoes", 12_000, "Grips wet rock"));
                catalog.put(product("SOCK-1", "Running socks", "Knit", "socks", 1_500, "For red shoes too"));
                catalog.put(product("HAT-1", "Sun hat", "Knit", "hats", 2_500, "Wide brim"));
                final long known = System.nanoTime() + 5_000_000_000L;
                while ((catalog.availability("SHOE-1") == null || catalog.availability("SHOE-2") == null) && System.nanoTime() < known)
                {
                    catalog.poll(100); // the SKUs' events reach the journal just after the engine applied them
                }
                search.rebuild();

                final SearchResult running = search.search(query("running"));
                assertThat(running.total()).isEqualTo(2);
                assertThat(running.hits().get(0).sku()).as("a title match outranks nothing; both have it in the title")
                    .isIn("SHOE-1", "SOCK-1");
                final SearchResult red = search.search(query("red shoe"));
                assertThat(red.hits()).extracting(SearchResult.Hit::sku).first().as("title beats description").isEqualTo("SHOE-1");
                assertThat(search.search(query("fleet")).total()).as("brand is searchable").isEqualTo(2);
                assertThat(search.search(query("wet rock")).hits()).extracting(SearchResult.Hit::sku).containsExactly("SHOE-2");
                assertThat(search.search(query("\"unbalanced (syntax:")).total()).as("user text is words, not syntax").isZero();

                final SearchResult shoes = search.search(new SearchQuery("", "shoes", null, null, false, SearchQuery.Order.PRICE_DESC,
                    1, 10));
                assertThat(shoes.hits()).extracting(SearchResult.Hit::sku).containsExactly("SHOE-2", "SHOE-1");
                final SearchResult cheap = search.search(new SearchQuery("", null, 1_000L, 3_000L, false, SearchQuery.Order.PRICE_ASC,
                    1, 10));
                assertThat(cheap.hits()).extracting(SearchResult.Hit::sku).containsExactly("SOCK-1", "HAT-1");

                final SearchResult all = search.search(new SearchQuery("", null, null, null, false, SearchQuery.Order.PRICE_ASC, 2, 3));
                assertThat(all.total()).isEqualTo(4);
                assertThat(all.hits()).extracting(SearchResult.Hit::sku).containsExactly("SHOE-2"); // page 2 of 3 a page
                assertThat(all.facets().get("category")).isEqualTo(Map.of("shoes", 2, "socks", 1, "hats", 1));
                assertThat(all.facets().get("brand")).isEqualTo(Map.of("Fleet", 2, "Knit", 2));

                final SearchQuery inStock = new SearchQuery("", null, null, null, true, SearchQuery.Order.PRICE_ASC, 1, 10);
                assertThat(search.search(inStock).hits()).extracting(SearchResult.Hit::sku)
                    .as("only SKUs the engine has, with stock").containsExactly("SHOE-1", "SHOE-2");

                node.reserve(7, "SHOE-1", 1); // sells SHOE-1 out; its events reach the journal just after
                final long deadline = System.nanoTime() + 1_000_000_000L;
                while (System.nanoTime() < deadline && search.search(inStock).total() != 1)
                {
                    catalog.poll(100); // what the projection thread does
                    search.refreshIfDue();
                    Thread.onSpinWait();
                }
                assertThat(search.search(inStock).hits()).extracting(SearchResult.Hit::sku)
                    .as("the sell-out leaves the in-stock filter within a second").containsExactly("SHOE-2");

                catalog.delete("HAT-1");
                search.refreshIfDue();
                final long until = System.nanoTime() + 1_000_000_000L;
                while (System.nanoTime() < until && search.search(query("hat")).total() != 0)
                {
                    search.refreshIfDue();
                    Thread.onSpinWait();
                }
                assertThat(search.search(query("hat")).total()).isZero();
            }
        }
    }

    @Test
    void aShoppersTextIsWordsWhateverQuerySyntaxItHolds()
    {
        final Path data = work.resolve("data");
        try (JournaledNode node = new JournaledNode(data);
             Catalog catalog = Catalog.open(data, work.resolve("read"), 100);
             ProductSearch search = new ProductSearch(catalog))
        {
            catalog.put(product("SALT-1", "Salt AND pepper", "Or", "spices", 300, "Not too hot: 50% off, title:free"));
            catalog.put(product("MILL-1", "Pepper mill", "Grind", "tools", 2_000, "For salt or pepper"));
            search.rebuild();

            assertThat(hits(search, "AND")).as("an operator word is a word").containsExactly("SALT-1");
            assertThat(hits(search, "and pepper")).containsExactly("SALT-1");
            assertThat(hits(search, "OR")).as("brand Or, and or in a description").containsExactlyInAnyOrder("SALT-1", "MILL-1");
            assertThat(hits(search, "NOT")).containsExactly("SALT-1");
            assertThat(hits(search, "salt pepper")).as("every word must match").containsExactlyInAnyOrder("SALT-1", "MILL-1");
            assertThat(hits(search, "salt mill")).containsExactly("MILL-1");
            assertThat(hits(search, "title:free")).as("a field prefix is text").containsExactly("SALT-1");
            assertThat(hits(search, "50%")).containsExactly("SALT-1");
            assertThat(hits(search, "pep*")).as("no wildcards").isEmpty();
            assertThat(hits(search, "peper~")).as("no fuzzy terms").isEmpty();
            for (final String syntax : List.of("AND", "OR NOT", "&& ||", "!", "\\", "\"", "(", ")", "[a TO z]", "{", "^2", "~",
                "*", "?", "/regex/", "+-", ":", "a:", "NOT NOT", "AND OR AND"))
            {
                search.search(query(syntax)); // never a parse error
            }
            assertThat(hits(search, "!?*")).as("no words: nothing").isEmpty();
        }
    }

    private static List<String> hits(final ProductSearch search, final String text)
    {
        return search.search(query(text)).hits().stream().map(SearchResult.Hit::sku).toList();
    }
}
