package dev.flashsale.gateway.http;

import dev.flashsale.read.search.SearchQuery;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.List;
import java.util.Map;

/**
 * The parameters of {@code GET /v1/search?q=&category=&minPrice=&maxPrice=&inStock=&sort=&page=&pageSize=}
 * into a {@link SearchQuery}: each known, given at most once, typed; anything else is a 400.
 */
public final class SearchParameters
{
    private static final List<String> NAMES = List.of("q", "category", "minPrice", "maxPrice", "inStock", "sort",
        "page", "pageSize");

    private SearchParameters()
    {
    }

    /**
     * @return the query of {@code GET /v1/search?...}.
     * @throws BadRequest for an unknown, repeated or malformed parameter, or a query string that
     *     is not valid percent-encoding.
     */
    public static SearchQuery parse(final String uri)
    {
        final Map<String, List<String>> parameters;
        try
        {
            parameters = new QueryStringDecoder(uri).parameters();
        }
        catch (final IllegalArgumentException ex) // a bad %-escape such as q=50%
        {
            throw new BadRequest("the query string is not valid percent-encoding");
        }
        for (final String name : parameters.keySet())
        {
            if (!NAMES.contains(name))
            {
                throw new BadRequest("unknown parameter " + name + "; known: " + NAMES);
            }
        }
        try
        {
            return new SearchQuery(parameter(parameters, "q"), parameter(parameters, "category"),
                longParameter(parameters, "minPrice"), longParameter(parameters, "maxPrice"),
                "true".equals(booleanParameter(parameters, "inStock")), order(parameter(parameters, "sort")),
                (int)Math.min(Integer.MAX_VALUE, orDefault(longParameter(parameters, "page"), 1)),
                (int)Math.min(Integer.MAX_VALUE, orDefault(longParameter(parameters, "pageSize"), 20)));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new BadRequest(ex.getMessage());
        }
    }

    private static String parameter(final Map<String, List<String>> parameters, final String name)
    {
        final List<String> values = parameters.get(name);
        if (values == null || values.isEmpty() || values.get(0).isEmpty())
        {
            return null;
        }
        if (values.size() > 1)
        {
            throw new BadRequest(name + " is given more than once");
        }
        return values.get(0);
    }

    private static Long longParameter(final Map<String, List<String>> parameters, final String name)
    {
        final String value = parameter(parameters, name);
        if (value == null)
        {
            return null;
        }
        try
        {
            return Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new BadRequest(name + " must be an integer");
        }
    }

    private static String booleanParameter(final Map<String, List<String>> parameters, final String name)
    {
        final String value = parameter(parameters, name);
        if (value != null && !value.equals("true") && !value.equals("false"))
        {
            throw new BadRequest(name + " must be true or false");
        }
        return value;
    }

    private static SearchQuery.Order order(final String sort)
    {
        if (sort == null)
        {
            return SearchQuery.Order.RELEVANCE;
        }
        return switch (sort)
        {
            case "relevance" -> SearchQuery.Order.RELEVANCE;
            case "price_asc" -> SearchQuery.Order.PRICE_ASC;
            case "price_desc" -> SearchQuery.Order.PRICE_DESC;
            default -> throw new BadRequest("sort must be relevance, price_asc or price_desc");
        };
    }

    private static long orDefault(final Long value, final long fallback)
    {
        return value == null ? fallback : value;
    }
}
