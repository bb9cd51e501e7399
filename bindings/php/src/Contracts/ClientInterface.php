<?php

namespace Bigperson\ModulposApiClient\Contracts;

/**
 * The API client (the same interface as the original package).
 */
interface ClientInterface
{
    /**
     * Fiscal-service status: GET {base}/v1/status.
     *
     * @return array ['status' => 'READY'|'ASSOCIATED'|'DISABLED'|'FAILED', 'dateTime' => string, ...]
     */
    public function getStatusFiscalService();

    /**
     * Validates the order and sends it as a receipt document.
     *
     * @return array the document status ['status' => 'QUEUED'|..., 'fnState' => ..., ...]
     */
    public function sendCheck(ModulposOrderInterface $order);

    /**
     * Document status: GET {base}/v1/doc/{documentId}/status.
     *
     * @param string $documentId
     *
     * @return array
     */
    public function getStatusDocumentById($documentId);
}
