//! modulpos-sandbox: a local emulator of the Modul.Kassa fiscalization API. (Being built: see issue 2.)
