<?php

namespace Bigperson\ModulposApiClient\Contracts;

/**
 * Optional document fields beyond the original package (buyer data, text to print, agent data,
 * correction data). Entity\Order implements it; implement it on your own order model to send
 * these fields. A getter returning null leaves its field out.
 */
interface ModulposOrderDetailsInterface extends ModulposOrderInterface
{
    /** Text printed on the register (at most 3000 characters); sent as `textToPrint`. @return string|null */
    public function getTextToPrint();

    /** Buyer organisation or full name (FFD tag 1227); sent as `clientName`. @return string|null */
    public function getClientName();

    /** Buyer INN; sent as `clientInn`. @return string|null */
    public function getClientInn();

    /**
     * Document-level agent data, in the API's shape: ['types' => ['paying_agent'],
     * 'payingAgent' => ['operation' => ..., 'phones' => [...]], 'receivePaymentsOperator' => [...],
     * 'moneyTransferOperator' => [...]]; sent as `agentInfo`.
     *
     * @return array|null
     */
    public function getAgentInfo();

    /**
     * Correction data for *_CORRECTION documents: ['reason' => 'INDEPENDENT'|'BY_ORDER',
     * 'documentDate' => 'YYYY-MM-DD', 'documentNum' => ..., 'fiscalSign' => ...]; sent as
     * `correctionInfo`.
     *
     * @return array|null
     */
    public function getCorrectionInfo();
}
