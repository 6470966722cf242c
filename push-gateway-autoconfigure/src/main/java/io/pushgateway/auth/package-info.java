/**
 * Built-in authenticators, such as signed-token (JWT) verification.
 */
@NullMarked
package io.pushgateway.auth;

import org.jspecify.annotations.NullMarked;
