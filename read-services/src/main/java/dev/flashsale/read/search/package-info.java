/**
 * Search over the catalog (Lucene): full text, filters, price order, pages and facets.
 */
package dev.flashsale.read.search;
