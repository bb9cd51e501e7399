<?php

namespace Bigperson\ModulposApiClient\Exceptions;

/**
 * No answer from the service: the connection failed or was dropped (transport) or the answer did
 * not come in time (timeout). Always retryable; a receipt is only ever resent with the same
 * documentUuid, so a retry never creates a second receipt.
 */
class TransportException extends ModulposException
{
}
