<?php

namespace Bigperson\ModulposApiClient\Exceptions;

/**
 * OrderItem::setPaymentObject() was given a value the library's payment-object table does not know.
 */
class PaymentObjectNotAllowed extends \Exception
{
}
