<?php

namespace Bigperson\ModulposApiClient\Exceptions;

/**
 * An order has no items or no payment items (the same class and messages as the original package).
 */
class ItemsNotFound extends \Exception
{
}
