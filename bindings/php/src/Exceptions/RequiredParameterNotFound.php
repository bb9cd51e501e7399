<?php

namespace Bigperson\ModulposApiClient\Exceptions;

/**
 * A required field of the order, an item or a payment item is missing (the same messages as the original package).
 */
class RequiredParameterNotFound extends \Exception
{
}
