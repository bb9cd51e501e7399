<?php

declare(strict_types=1);

namespace Bigperson\ModulposApiClient;

use Bigperson\ModulposApiClient\Contracts\ModulposOrderInterface;
use Bigperson\ModulposApiClient\Internal\DocumentBuilder;
use Bigperson\ModulposApiClient\Internal\Json;
use Bigperson\ModulposApiClient\Internal\Library;

/**
 * Turns an order into the document array the API receives, after the library has validated it.
 */
class CheckDataFactory
{
    /**
     * Validates the order with the library's rules (required fields, formats, amounts, totals) and
     * returns the document exactly as it would be sent: id, checkoutDateTime, docNum, docType,
     * printReceipt, responseURL, email, taxMode, cashierName/Inn/Position, inventPositions[],
     * moneyPositions[] and the optional fields. A broken rule of severity `warning` (an INN's
     * check digits, ...) does not throw: it would be sent, and so the array comes back.
     *
     * @param ModulposOrderInterface                       $order
     * @param string|null                                  $responseUrl  callback URL for the result
     * @param bool                                         $printReceipt print a paper receipt on the register
     * @param Contracts\ModulposCashierInterface|null      $cashier      null: the retail point's settings
     *
     * @throws Exceptions\RequiredParameterNotFound a field the original package required is missing
     * @throws Exceptions\ItemsNotFound             no items, or no payment items
     * @throws Exceptions\ValidationException       any other broken rule; getIssues() lists them all
     *
     * @return array
     */
    public static function convertToArray(ModulposOrderInterface $order, $responseUrl = null, $printReceipt = false, $cashier = null)
    {
        $document = DocumentBuilder::build($order, $responseUrl, $printReceipt, $cashier);

        return Library::call('mk_validate', Json::encode($document), null)['document'];
    }
}
