#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/wire/transport.hpp"

// The pieces of mqchat-paho.so, gathered into a PahoModule by module_entry.cpp.
namespace mqchat::paho {

std::unique_ptr<Transport> make_transport();
std::string c_version();
std::string cpp_version();
bool pbkdf2_hmac_sha512(std::string_view password, std::string_view salt, int iterations,
                        unsigned char* out, int out_size);

}  // namespace mqchat::paho
