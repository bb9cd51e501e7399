<?php

namespace Bigperson\ModulposApiClient\Exceptions;

/**
 * The service answered with an error: wrong credentials (authentication, HTTP 401), no rights or
 * credentials of the other environment (forbidden, 403), unknown retail point or document
 * (not_found, 404), a refused request (rejected, other 4xx), a failure of the service
 * (server_error, 5xx, retryable) or an answer that is not the expected JSON (malformed_response).
 */
class ApiException extends ModulposException
{
}
