<?php

namespace Bigperson\ModulposApiClient\Exceptions;

/**
 * Order::setTaxMode() was given a value the library's tax-mode table does not know.
 */
class TaxModeNotAllowed extends \Exception
{
}
