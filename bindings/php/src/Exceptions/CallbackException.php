<?php

namespace Bigperson\ModulposApiClient\Exceptions;

/**
 * An incoming callback is not signed for its document: its mk_doc / mk_sig parameters are missing
 * or do not match the shop's secret (error code `callback_signature`). Nothing was asked of the
 * service. Answer such a request with HTTP 403. Never retryable.
 */
class CallbackException extends ModulposException
{
}
