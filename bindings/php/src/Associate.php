<?php

declare(strict_types=1);

namespace Bigperson\ModulposApiClient;

use Bigperson\ModulposApiClient\Internal\ClientHandle;

/**
 * Associates the online shop with a retail point: POST {base}/v1/associate/{retailPointUuid}
 * with the Modul.Kassa account credentials, which are used only for this call.
 */
class Associate
{
    /** The original package's associate path (the retail point's id follows). */
    const ASSOCIATE_URL = '/v1/associate/';

    /** @var string */
    private $login;

    /** @var string */
    private $password;

    /** @var string */
    private $retailPointUuid;

    /** @var bool */
    private $testMode;

    /** @var string|null */
    private $clientId;

    /** @var \GuzzleHttp\ClientInterface|null */
    private $client;

    /** @var array<string, mixed> */
    private $options;

    /** @var object|null a Psr\Log\LoggerInterface (psr/log is optional) */
    private $logger;

    /**
     * @param string                           $login           Modul.Kassa account login
     * @param string                           $password        Modul.Kassa account password
     * @param string                           $retailPointUuid the retail point's id
     * @param bool                             $testMode        use the test service
     * @param \GuzzleHttp\ClientInterface|null $client          when given, every request goes
     *                                                          through it (proxy, CA bundle,
     *                                                          middleware, MockHandler); the
     *                                                          native agent otherwise
     * @param string|null                      $clientId        set when several applications send
     *                                                          documents for the same point
     * @param array<string, mixed>             $options         library settings: base_url,
     *                                                          connect_timeout_ms, timeout_ms, ...
     */
    public function __construct(
        string $login,
        #[\SensitiveParameter]
        string $password,
        string $retailPointUuid,
        bool $testMode = false,
        ?\GuzzleHttp\ClientInterface $client = null,
        ?string $clientId = null,
        array $options = []
    ) {
        $this->login = $login;
        $this->password = $password;
        $this->retailPointUuid = $retailPointUuid;
        $this->testMode = $testMode;
        $this->clientId = $clientId;
        $this->options = $options;
        $this->client = $client;
    }

    /**
     * Associates the shop with the retail point. Calling it again makes the service issue a new
     * password (the old one stops working).
     *
     * @throws Exceptions\ApiException       e.g. authentication (401), forbidden (403), not_found (404)
     * @throws Exceptions\TransportException no answer from the service
     *
     * @return array ['userName' => ..., 'password' => ..., 'name' => ..., 'address' => ...]: keep
     *               userName and password, every other call is made with them
     */
    public function init()
    {
        $handle = new ClientHandle(array_merge($this->options, ['test_mode' => $this->testMode]));
        if ($this->client !== null) {
            $handle->useGuzzle($this->client);
        }
        if ($this->logger !== null) {
            $handle->setLogger($this->logger);
        }
        $request = [
            'login' => $this->login,
            'password' => $this->password,
            'retail_point_id' => $this->retailPointUuid,
        ];
        if ($this->clientId !== null) {
            $request['client_id'] = $this->clientId;
        }

        return $handle->associate($request);
    }

    /**
     * Sends init()'s HTTP attempt to a PSR-3 logger, as Client::setLogger() does (never the
     * password). null removes it.
     *
     * @param \Psr\Log\LoggerInterface|null $logger
     */
    public function setLogger($logger): void
    {
        $this->logger = $logger;
    }

    /**
     * Keeps the account password out of var_dump() and print_r() output.
     *
     * @return array<string, mixed>
     */
    public function __debugInfo()
    {
        return [
            'login' => $this->login,
            'password' => '***',
            'retailPointUuid' => $this->retailPointUuid,
            'testMode' => $this->testMode,
            'clientId' => $this->clientId,
        ];
    }
}
