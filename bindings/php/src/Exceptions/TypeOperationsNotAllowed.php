<?php

namespace Bigperson\ModulposApiClient\Exceptions;

/**
 * Order::setTypeOperation() or PaymentItem::setType() was given a value the library's tables do not know.
 */
class TypeOperationsNotAllowed extends \Exception
{
}
