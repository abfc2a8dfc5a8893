// Image augmentations on 8-bit RGB(A) images, as MXNet 1.x's default ImageRecordIter augmenter
// does them with OpenCV: an affine warp (rotation, shear, scale, aspect) with a constant border,
// padding, and the colour jitters (brightness, contrast, saturation, a shift in HLS space, and
// AlexNet's PCA lighting noise). ImageRecordIter draws their random parameters; these functions
// apply fixed ones, so each is tested against a closed form.
#pragma once
#include <array>
#include <cstdint>

#include "image.hpp"

namespace SYMGRAD_NS::image {

// A 2 x 3 affine map from source pixel coordinates to destination ones, row-major
// ({m00, m01, m02, m10, m11, m12}: x' = m00 x + m01 y + m02, y' = m10 x + m11 y + m12), as
// cv::warpAffine takes it.
using Affine = std::array<float, 6>;

// The width x height image whose pixel (x, y) is the source sampled bilinearly at the inverse
// map of (x, y) (cv::warpAffine with INTER_LINEAR and BORDER_CONSTANT): neighbours outside the
// source count as `fill` in every channel. A map that cannot be inverted is a ValueError.
Image warp_affine(const Image& in, const Affine& m, int width, int height, std::uint8_t fill);

// `pad` pixels of `fill` on every side (cv::copyMakeBorder with BORDER_CONSTANT).
Image pad(const Image& in, int pad, std::uint8_t fill);

// Each colour value v becomes round(v * alpha), saturated to [0, 255] (alpha is kept as is).
void adjust_brightness(Image& img, float alpha);
// v * alpha + (1 - alpha) * m, rounded and saturated, where m is the mean grey level of the image.
void adjust_contrast(Image& img, float alpha);
// alpha * v + (1 - alpha) * g, rounded and saturated, where g is the pixel's own grey level
// (3 or 4 channels).
void adjust_saturation(Image& img, float alpha);

// Converts each pixel to 8-bit HLS as OpenCV does (H in [0, 180] in units of 2 degrees, L and S in
// [0, 255]), adds dh, dl and ds, clamps (H to [0, 180], L and S to [0, 255]) and converts back
// (3 or 4 channels).
void shift_hls(Image& img, int dh, int dl, int ds);

// AlexNet's lighting noise: adds to (R, G, B) the eigenvectors of ImageNet's pixel covariance,
// scaled by their eigenvalues and by alpha (three draws of N(0, pca_noise)); each sum is
// truncated toward zero and clamped to [0, 255] (3 or 4 channels).
void add_pca_noise(Image& img, const std::array<float, 3>& alpha);

}  // namespace SYMGRAD_NS::image
