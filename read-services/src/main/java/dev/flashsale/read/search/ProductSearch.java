package dev.flashsale.read.search;

import dev.flashsale.read.catalog.Availability;
import dev.flashsale.read.catalog.Catalog;
import dev.flashsale.read.catalog.Product;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MultiCollector;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopDocsCollector;
import org.apache.lucene.search.TopFieldCollector;
import org.apache.lucene.search.TopScoreDocCollector;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Full-text search over the catalog with Lucene: words in title (boosted), brand and
 * description; filters on category, display price and in-stock; order by relevance or price;
 * pages; facet counts by category and brand over all matches.
 *
 * <p>The index is derived data: it is built from the catalog store when the read services start
 * ({@link #rebuild}), kept up to date as products and availability change ({@link #update}), and
 * refreshed for readers at most every {@link #refreshIfDue} period, so a change is searchable
 * within that (100 ms). Updates, rebuilds and refreshes are serialised (a rebuild is never seen
 * half done, and an update reads the catalog under the same lock). It lives in memory, so a node with 100,000 products rebuilds it in
 * seconds at start (docs/BENCHMARKS.md) and there is nothing on disk to get out of step.
 * Thread-safe.
 */
public final class ProductSearch implements AutoCloseable
{
    private static final String SKU = "sku";
    private static final String TITLE = "title";
    private static final String BRAND = "brand";
    private static final String DESCRIPTION = "description";
    private static final String CATEGORY = "category";
    private static final String BRAND_FACET = "brand_facet";
    private static final String PRICE = "price";
    private static final String CURRENCY = "currency";
    private static final String IN_STOCK = "in_stock";
    private static final long REFRESH_NANOS = 100_000_000L;

    private final Catalog catalog;
    private final Directory directory = new ByteBuffersDirectory();
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final StandardAnalyzer analyzer = new StandardAnalyzer();
    private volatile long refreshedAtNanos;

    public ProductSearch(final Catalog catalog)
    {
        this.catalog = catalog;
        try
        {
            writer = new IndexWriter(directory, new IndexWriterConfig(analyzer));
            searchers = new SearcherManager(writer, null);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the search index: " + ex.getMessage(), ex);
        }
    }

    /** Rebuilds the index from every product of the catalog. @return products indexed. */
    public synchronized long rebuild()
    {
        try
        {
            writer.deleteAll();
            final long[] count = {0};
            catalog.forEachProduct(product ->
            {
                try
                {
                    index(product, catalog.availability(product.sku()));
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
                count[0]++;
            });
            writer.commit();
            searchers.maybeRefreshBlocking();
            refreshedAtNanos = System.nanoTime();
            return count[0];
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot rebuild the search index: " + ex.getMessage(), ex);
        }
    }

    /** Re-indexes one SKU from the catalog: its product changed, or its availability did. */
    public synchronized void update(final String sku)
    {
        final Product product = catalog.product(sku);
        try
        {
            if (product == null)
            {
                writer.deleteDocuments(new Term(SKU, sku));
            }
            else
            {
                index(product, catalog.availability(sku));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot index " + sku + ": " + ex.getMessage(), ex);
        }
    }

    /** Makes recent updates visible to searches if the last refresh is older than 100 ms. */
    public synchronized void refreshIfDue()
    {
        if (System.nanoTime() - refreshedAtNanos > REFRESH_NANOS)
        {
            try
            {
                searchers.maybeRefresh();
                refreshedAtNanos = System.nanoTime();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot refresh the search index: " + ex.getMessage(), ex);
            }
        }
    }

    public SearchResult search(final SearchQuery query)
    {
        final Query lucene = query(query);
        try
        {
            final IndexSearcher searcher = searchers.acquire();
            try
            {
                final int wanted = query.page() * query.pageSize();
                // One pass over the matches: the page's top documents, the exact total and the facet counts.
                final TopDocsCollector<?> topCollector = switch (query.order())
                {
                    case RELEVANCE -> TopScoreDocCollector.create(wanted, Integer.MAX_VALUE);
                    case PRICE_ASC -> TopFieldCollector.create(new Sort(new SortField(PRICE, SortField.Type.LONG, false),
                        new SortField(SKU, SortField.Type.STRING)), wanted, Integer.MAX_VALUE);
                    case PRICE_DESC -> TopFieldCollector.create(new Sort(new SortField(PRICE, SortField.Type.LONG, true),
                        new SortField(SKU, SortField.Type.STRING)), wanted, Integer.MAX_VALUE);
                };
                final FacetCounter facets = new FacetCounter();
                searcher.search(lucene, MultiCollector.wrap(topCollector, facets));
                final TopDocs top = topCollector.topDocs();
                final List<SearchResult.Hit> hits = new ArrayList<>();
                final ScoreDoc[] docs = top.scoreDocs;
                for (int i = (query.page() - 1) * query.pageSize(); i < docs.length; i++)
                {
                    final Document doc = searcher.storedFields().document(docs[i].doc);
                    hits.add(new SearchResult.Hit(doc.get(SKU), doc.get(TITLE), doc.get(BRAND), doc.get(CATEGORY),
                        doc.getField(PRICE).numericValue().longValue(), doc.get(CURRENCY), "true".equals(doc.get(IN_STOCK)),
                        Float.isNaN(docs[i].score) ? 0 : docs[i].score));
                }
                return new SearchResult(top.totalHits.value, hits, facets.counts());
            }
            finally
            {
                searchers.release(searcher);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("search failed: " + ex.getMessage(), ex);
        }
    }

    /** @return products in the index as the last refresh saw them. */
    public int size()
    {
        try
        {
            final IndexSearcher searcher = searchers.acquire();
            try
            {
                return searcher.getIndexReader().numDocs();
            }
            finally
            {
                searchers.release(searcher);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void close()
    {
        try
        {
            searchers.close();
            writer.close();
            directory.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private Query query(final SearchQuery query)
    {
        final BooleanQuery.Builder builder = new BooleanQuery.Builder();
        if (query.text().isEmpty())
        {
            builder.add(new MatchAllDocsQuery(), BooleanClause.Occur.MUST);
        }
        else
        {
            builder.add(words(query.text()), BooleanClause.Occur.MUST);
        }
        if (query.category() != null)
        {
            builder.add(new TermQuery(new Term(CATEGORY, query.category())), BooleanClause.Occur.FILTER);
        }
        if (query.minPrice() != null || query.maxPrice() != null)
        {
            builder.add(LongPoint.newRangeQuery(PRICE, query.minPrice() == null ? 0 : query.minPrice(),
                query.maxPrice() == null ? Long.MAX_VALUE : query.maxPrice()), BooleanClause.Occur.FILTER);
        }
        if (query.inStock())
        {
            builder.add(new TermQuery(new Term(IN_STOCK, "true")), BooleanClause.Occur.FILTER);
        }
        return builder.build();
    }

    /**
     * A shopper's text as words, never as query syntax: the analyzer's terms, each of which must
     * match the title (weight 3), the brand (2) or the description (1). Text without a word (only
     * punctuation) matches nothing.
     */
    private Query words(final String text)
    {
        final BooleanQuery.Builder all = new BooleanQuery.Builder();
        for (final String term : terms(text))
        {
            all.add(new BooleanQuery.Builder()
                .add(new BoostQuery(new TermQuery(new Term(TITLE, term)), 3f), BooleanClause.Occur.SHOULD)
                .add(new BoostQuery(new TermQuery(new Term(BRAND, term)), 2f), BooleanClause.Occur.SHOULD)
                .add(new TermQuery(new Term(DESCRIPTION, term)), BooleanClause.Occur.SHOULD)
                .build(), BooleanClause.Occur.MUST);
        }
        return all.build();
    }

    /** @return the distinct terms the index's analyzer makes of {@code text}, in order. */
    private Set<String> terms(final String text)
    {
        final Set<String> terms = new LinkedHashSet<>();
        try (TokenStream tokens = analyzer.tokenStream(TITLE, text))
        {
            final CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (tokens.incrementToken())
            {
                terms.add(term.toString());
            }
            tokens.end();
        }
        catch (final IOException ex) // the analyzer reads a String: never, but Lucene declares it
        {
            throw new UncheckedIOException(ex);
        }
        return terms;
    }

    /** Counts the matches by category and brand, from their doc values. */
    private static final class FacetCounter extends SimpleCollector
    {
        private final Map<String, Integer> categories = new TreeMap<>();
        private final Map<String, Integer> brands = new TreeMap<>();
        private SortedDocValues category;
        private SortedDocValues brand;

        @Override
        protected void doSetNextReader(final LeafReaderContext context) throws IOException
        {
            category = context.reader().getSortedDocValues(CATEGORY);
            brand = context.reader().getSortedDocValues(BRAND_FACET);
        }

        @Override
        public void collect(final int doc) throws IOException
        {
            if (category != null && category.advanceExact(doc))
            {
                categories.merge(category.lookupOrd(category.ordValue()).utf8ToString(), 1, Integer::sum);
            }
            if (brand != null && brand.advanceExact(doc))
            {
                brands.merge(brand.lookupOrd(brand.ordValue()).utf8ToString(), 1, Integer::sum);
            }
        }

        @Override
        public ScoreMode scoreMode()
        {
            return ScoreMode.COMPLETE_NO_SCORES;
        }

        Map<String, Map<String, Integer>> counts()
        {
            return Map.of(CATEGORY, categories, BRAND, brands);
        }
    }

    private void index(final Product product, final Availability availability) throws IOException
    {
        final Document doc = new Document();
        doc.add(new StringField(SKU, product.sku(), Field.Store.YES));
        doc.add(new SortedDocValuesField(SKU, new BytesRef(product.sku())));
        doc.add(new TextField(TITLE, product.title(), Field.Store.YES));
        doc.add(new TextField(BRAND, product.brand(), Field.Store.YES));
        doc.add(new SortedDocValuesField(BRAND_FACET, new BytesRef(product.brand())));
        doc.add(new TextField(DESCRIPTION, product.description(), Field.Store.NO));
        doc.add(new StringField(CATEGORY, product.category(), Field.Store.YES));
        doc.add(new SortedDocValuesField(CATEGORY, new BytesRef(product.category())));
        doc.add(new LongPoint(PRICE, product.displayPriceMinor()));
        doc.add(new NumericDocValuesField(PRICE, product.displayPriceMinor()));
        doc.add(new StoredField(PRICE, product.displayPriceMinor()));
        doc.add(new StoredField(CURRENCY, product.currency()));
        doc.add(new StringField(IN_STOCK, availability != null && availability.inStock() ? "true" : "false", Field.Store.YES));
        writer.updateDocument(new Term(SKU, product.sku()), doc);
    }
}
