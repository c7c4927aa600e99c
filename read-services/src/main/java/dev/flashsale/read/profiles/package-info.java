/**
 * Customers' profiles (name, e-mail, addresses; validated), each written and read only by its customer.
 */
package dev.flashsale.read.profiles;
