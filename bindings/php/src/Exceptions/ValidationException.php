<?php

namespace Bigperson\ModulposApiClient\Exceptions;

/**
 * The library refused the input before sending anything: the receipt breaks a rule of the service
 * (validation; getIssues() lists every problem, getField() names the first), or an argument or
 * the configuration is wrong (invalid_argument). Never retryable as it is.
 *
 * Problems the original package reported with its own classes (a missing documentUuid, no items,
 * ...) still come as RequiredParameterNotFound / ItemsNotFound; this class covers the rest.
 */
class ValidationException extends ModulposException
{
}
